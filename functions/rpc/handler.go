package main

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/autonome-go/autonome/functions/internal/rpc"
	"github.com/autonome-go/autonome/shared/clientaddr"
	"github.com/autonome-go/autonome/shared/commands"
	"github.com/autonome-go/autonome/shared/config"
	"github.com/autonome-go/autonome/shared/postgres"
	"github.com/autonome-go/autonome/shared/redis"
	"github.com/autonome-go/autonome/shared/stats"
)

// newHandler opens what the API needs from cfg and returns its handler and the
// function that closes it all. Nothing is dialled: the pool connects on
// first use (so a cold start does not wait for the database, and the API
// answers SERVICE_UNAVAILABLE while a dependency is down instead of failing
// to start), and so does Redis. In Lambda, newHandler runs once per execution
// environment and every invocation reuses the pool.
func newHandler(ctx context.Context, cfg config.API, log *slog.Logger, startedAt time.Time) (http.Handler, func(), error) {
	addrs, err := clientaddr.New(cfg.TrustedProxies)
	if err != nil {
		return nil, nil, err
	}
	rdb, err := redis.Open(cfg.RedisURL)
	if err != nil {
		return nil, nil, err
	}
	pool, err := postgres.Open(ctx, cfg.DatabaseURL, postgres.Options{
		MaxConns: cfg.DBMaxConns, NoStatementCache: cfg.DBProxyMode, ApplicationName: "autonome-api", Lazy: true,
	})
	if err != nil {
		_ = rdb.Close()
		return nil, nil, err
	}
	h := rpc.NewHandler(rpc.Deps{
		DB:       postgres.NewReader(pool), // the Store
		Marks:    redis.NewMarks(rdb, cfg.RedisPrefix),
		Books:    redis.NewBooks(rdb, cfg.RedisPrefix),
		Commands: commands.NewClient(rdb, commands.Queue(cfg.RedisPrefix)),
		Health:   redis.NewHealth(rdb, cfg.RedisPrefix),
	}, rpc.Options{
		Log: log, CORSOrigins: cfg.CORSOrigins, AdminTokens: cfg.Tokens(), RateLimit: cfg.RateLimit,
		RateBurst: cfg.RateBurst, ClientAddr: addrs, CommandTimeout: cfg.CommandTimeout, StartedAt: startedAt,
		Bootstrap: stats.Bootstrap{BlockLen: cfg.BlockLength, Resamples: cfg.Resamples, Seed: cfg.Seed},
		MinRecord: stats.MinRecord{Trades: cfg.MinTrades, Days: cfg.MinDays},
	})
	return h, func() { pool.Close(); _ = rdb.Close() }, nil
}
