package service

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/jackc/pgx/v5/pgxpool"
	goredis "github.com/redis/go-redis/v9"

	"github.com/autonome-go/autonome/shared/commands"
	"github.com/autonome-go/autonome/shared/config"
	"github.com/autonome-go/autonome/shared/postgres"
	"github.com/autonome-go/autonome/shared/redis"
	"github.com/autonome-go/autonome/worker/internal/agent"
	"github.com/autonome-go/autonome/worker/internal/jobs"
	"github.com/autonome-go/autonome/worker/internal/llm"
)

// newJobs builds the agents' line-up (LLMs with a configured key, and the
// baselines), trading through trader (the simulator, or in live mode the
// router that sends live seats to the venue), their runner and the asynq scheduler, decision and command
// handlers the runner is handed to.
func newJobs(ctx context.Context, cfg config.Worker, roster llm.Roster, rdb *goredis.Client, pool *pgxpool.Pool, trader agent.Trader,
	src *source, events *redis.EventLog, m *jobs.Metrics, health *jobs.Health, calls http.RoundTripper, kill commands.LiveKillFunc, log *slog.Logger) (*jobs.Jobs, error) {
	opt := lineupOptions(cfg, roster, log)
	if calls != nil { // the season's recording of every model call
		opt.HTTPClient = &http.Client{Transport: calls}
	}
	seats, err := llm.Lineup(roster.Entries, opt)
	if err != nil {
		return nil, err
	}
	store := postgres.NewAgents(pool)
	runner, err := agent.New(ctx, agent.Options{Trader: trader, History: src.history, Store: store, Reader: postgres.NewReader(pool),
		Events: events, Seats: seats, Interval: cfg.TradeInterval, Log: log.With("part", "agent"), OnRunning: health.Running})
	if err != nil {
		return nil, err
	}
	return jobs.New(jobs.Options{
		Metrics: m, Redis: rdb, Prefix: cfg.RedisPrefix, PortfolioInterval: cfg.PortfolioInterval, Log: log.With("part", "jobs"),
		Runner: runner, Trader: trader, Store: store, Events: events, Health: health, LiveKill: kill,
	})
}
