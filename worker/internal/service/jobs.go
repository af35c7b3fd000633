package service

import (
	"context"
	"log/slog"

	"github.com/jackc/pgx/v5/pgxpool"
	goredis "github.com/redis/go-redis/v9"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/config"
	"github.com/autonome-go/autonome/shared/postgres"
	"github.com/autonome-go/autonome/shared/redis"
	"github.com/autonome-go/autonome/worker/internal/agent"
	"github.com/autonome-go/autonome/worker/internal/jobs"
	"github.com/autonome-go/autonome/worker/internal/llm"
	"github.com/autonome-go/autonome/worker/internal/simulator"
)

// newJobs builds the agents' line-up (LLMs with a configured key, and the
// baselines) and the asynq scheduler, decision and command handlers.
func newJobs(ctx context.Context, cfg config.Worker, rdb *goredis.Client, pool *pgxpool.Pool, sim *simulator.Simulator,
	src *source, events *redis.EventLog, m *jobs.Metrics, log *slog.Logger) (*jobs.Jobs, error) {
	seats, err := llm.Lineup(arena.DefaultRoster(), llm.Options{Getenv: providerEnv(cfg), Logger: log.With("part", "llm"), BaselineSeed: uint64(cfg.SimSeed)})
	if err != nil {
		return nil, err
	}
	return jobs.New(ctx, jobs.Options{
		Metrics: m, Redis: rdb, Prefix: cfg.RedisPrefix, PortfolioInterval: cfg.PortfolioInterval, Log: log.With("part", "jobs"),
		Agent: agent.Options{Trader: sim, History: src.history, Store: postgres.NewAgents(pool), Reader: postgres.NewReader(pool),
			Events: events, Seats: seats, Interval: cfg.TradeInterval, Log: log.With("part", "agent")},
	})
}

// providerEnv hands the model providers their settings from the worker's
// validated configuration rather than from the raw environment.
func providerEnv(cfg config.Worker) func(string) string {
	vals := map[string]string{
		"NIM_API_KEY": cfg.NIMAPIKey, "NIM_API_KEY1": cfg.NIMAPIKey1, "NIM_API_KEY2": cfg.NIMAPIKey2, "NIM_API_KEY3": cfg.NIMAPIKey3,
		"NIM_BASE_URL": cfg.NIMBaseURL, "OPENROUTER_API_KEY": cfg.OpenRouterAPIKey, "OPENROUTER_BASE_URL": cfg.OpenRouterBaseURL,
	}
	return func(k string) string { return vals[k] }
}
