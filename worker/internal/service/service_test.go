package service_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/autonome-go/autonome/shared/config"
	"github.com/autonome-go/autonome/shared/redis"
	"github.com/autonome-go/autonome/shared/testenv"
	"github.com/autonome-go/autonome/worker/internal/service"
)

// TestRun boots the whole worker in this process on a database and a Redis
// key prefix of its own (synthetic feed, baseline agents), waits until it
// publishes marks and its scheduler health, and stops it.
func TestRun(t *testing.T) {
	_, dbURL := testenv.Postgres(t)
	rdb, prefix := testenv.Redis(t)
	t.Setenv("DATABASE_URL", dbURL)
	t.Setenv("REDIS_URL", testenv.RedisURL())
	t.Setenv("REDIS_PREFIX", prefix)
	t.Setenv("WORKER_ADMIN_ADDR", "127.0.0.1:0")
	t.Setenv("FEED_TICK", "50ms")
	var cfg config.Worker
	if err := config.Load(&cfg); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- service.Run(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil))) }()

	marks, health := redis.NewMarks(rdb, prefix), redis.NewHealth(rdb, prefix)
	testenv.WaitFor(t, time.Minute, func() error {
		select {
		case err := <-done:
			t.Fatalf("Run ended before the worker published anything: %v", err)
		default:
		}
		prices, perr := marks.All(t.Context())
		h, ok, herr := health.Read(t.Context())
		if perr != nil || herr != nil || len(prices) == 0 || !ok || h.WorkerStartedAt.IsZero() {
			return fmt.Errorf("no marks (%d, %v) or scheduler health (%v, %v) yet", len(prices), perr, ok, herr)
		}
		return nil
	})
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
}
