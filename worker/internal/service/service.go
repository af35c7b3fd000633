// Package service assembles the worker: it opens the connections, becomes
// the one simulator (a leader lock in PostgreSQL), restores the exchange,
// starts the market feed, the price ticker, the schedulers and the agents,
// and runs every long-running part under one errgroup until the context
// ends. Mains call Run; tests boot it the same way.
package service

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/sync/errgroup"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/config"
	"github.com/autonome-go/autonome/shared/postgres"
	"github.com/autonome-go/autonome/shared/redis"
	"github.com/autonome-go/autonome/worker/internal/broadcast"
	"github.com/autonome-go/autonome/worker/internal/jobs"
	"github.com/autonome-go/autonome/worker/internal/marketdata"
	"github.com/autonome-go/autonome/worker/internal/simulator"
	"github.com/autonome-go/autonome/worker/internal/ticker"
)

// errLostLeadership ends one run of the worker's parts when its database
// connection (and with it the simulator lock) breaks.
var errLostLeadership = errors.New("lost the simulator lock: the database connection broke")

// Run runs the worker until ctx is done or a part fails for good. When the
// database goes away, the simulator can no longer vouch for its lock, so
// every part stops and starts again from what PostgreSQL holds, as a
// restarted process would, once the database answers.
func Run(ctx context.Context, cfg config.Worker, log *slog.Logger) error {
	tel := newTelemetry()
	kills := newKills() // the admin kill switch outlives a restart of the parts
	for {
		err := runOnce(ctx, cfg, log, tel, kills)
		if !errors.Is(err, errLostLeadership) || ctx.Err() != nil {
			return err
		}
		log.Error("lost the database; stopping trading and starting again from PostgreSQL once it answers", "err", err)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(2 * time.Second):
		}
	}
}

func runOnce(ctx context.Context, cfg config.Worker, log *slog.Logger, tel *telemetry, kills *kills) error {
	rdb, err := redis.Open(cfg.RedisURL)
	if err != nil {
		return err
	}
	defer rdb.Close()
	events := redis.NewEventLog(rdb, redis.EventLogOptions{Prefix: cfg.RedisPrefix})
	marks := redis.NewMarks(rdb, cfg.RedisPrefix)

	pool, err := openPool(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer pool.Close()
	defer tel.attach(pool, rdb)()
	lead, err := postgres.AcquireLeadership(ctx, pool, postgres.SimulatorLockKey, 2*time.Second, func() {
		log.Warn("another worker holds the simulator lock; waiting for it to stop before trading")
	})
	if err != nil {
		return err
	}
	defer lead.Release()
	log.Info("simulator leadership acquired")
	roster, err := Reconcile(ctx, cfg, pool, log)
	if err != nil {
		return err
	}

	src, err := newSource(ctx, cfg, log)
	if err != nil {
		return err
	}
	started := time.Now() // names this run's season recordings
	if src, err = recordSeason(src, cfg, started); err != nil {
		return err
	}
	defer src.close()
	changes := broadcast.NewChanges()
	exCfg := exchangeConfig(cfg, src.markets)
	if exCfg.VenueAccounts, err = liveModelIDs(ctx, cfg, pool); err != nil {
		return err
	}
	var seats []arena.Model
	if cfg.SeasonDir != "" {
		if seats, err = postgres.NewReader(pool).Models(ctx); err != nil {
			return err
		}
	}
	jw, err := openJournal(cfg, exCfg, seats, started, log.With("part", "season"))
	if err != nil {
		return err
	}
	simOpts := simulator.Options{Exchange: exCfg, Log: log.With("part", "simulator"),
		OnPersisted: []func(arena.Batch){changes.OnPersisted}, Metrics: tel.sim}
	if jw != nil {
		simOpts.Journal = jw
	}
	sim, err := simulator.Open(ctx, pool, simOpts)
	if err != nil {
		if jw != nil {
			_ = jw.Close()
		}
		return err
	}
	if jw != nil {
		defer jw.Close() // when Run fails before runJournal closes it (a second Close does nothing)
	}
	bc := broadcast.New(postgres.NewReader(pool), sim, events, changes, cfg.SimRefreshInterval, log.With("part", "broadcast"))
	tick := ticker.New(sim.Prices, marks, events, priceInterval, log.With("part", "ticker"))
	books := ticker.NewBooks()
	tick.PublishBooks(books, redis.NewBooks(rdb, cfg.RedisPrefix))
	shared := jobs.NewHealth(redis.NewHealth(rdb, cfg.RedisPrefix), log.With("part", "health"), time.Now)
	lives, err := startLive(ctx, cfg, pool, sim, tel.mismatch, kills, log)
	if err != nil {
		return err
	}
	calls, err := openCalls(cfg, started, log.With("part", "season"))
	if err != nil {
		return err
	}
	var recordCalls http.RoundTripper // stays a nil interface when not recording
	if calls != nil {
		defer calls.Close() // after the agents stopped
		recordCalls = calls
	}
	js, err := newJobs(ctx, cfg, roster, rdb, pool, newRouter(sim, lives), src, events, tel.jobs, shared, recordCalls,
		liveKillCommand(lives, kills, log.With("part", "live")), log)
	if err != nil {
		return err
	}
	health := newHealth()
	health.live = lives
	admin := newAdmin(cfg.AdminAddr, health, log.With("part", "admin"))
	admin.handleLive(cfg.AdminToken, lives, kills)
	if cfg.MetricsAddr == "" {
		admin.mux.Handle("GET /metrics", tel.handler(cfg.AdminToken))
	}
	mon, err := jobs.NewMonitor(cfg.RedisURL, cfg.AdminToken, log.With("part", "admin"))
	if err != nil {
		return err
	}
	if mon != nil {
		defer mon.Close()
		admin.mux.Handle(jobs.MonitorPath, mon)
	}

	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		// Prices reach the ledger and the charts only within a relative
		// bound of each market's last one; health and metrics see every message.
		guarded := marketdata.NewPriceGuard(marketdata.Tee(sim, books), marketdata.GuardOptions{Log: log.With("part", "feed")})
		return runFeed(gctx, src.feed, marketdata.Tee(guarded, health.feedSink(), tel.feed.Sink()), log)
	})
	g.Go(func() error { return reportFeed(gctx, health, shared, cfg.Feed) })
	simStopped := make(chan struct{})
	g.Go(func() error { defer close(simStopped); return sim.Run(gctx) })
	if jw != nil {
		exports := make(chan struct{}, 1)
		g.Go(func() error {
			return runJournal(gctx, cfg, jw, sim, simStopped, exports, log.With("part", "season"))
		})
		g.Go(func() error { return runExports(gctx, cfg, pool, exports, log.With("part", "season")) })
	}
	g.Go(func() error { return tick.Run(gctx) })
	g.Go(func() error { return bc.Run(gctx) })
	g.Go(func() error { return js.Run(gctx) })
	g.Go(func() error { return admin.Run(gctx) })
	for _, a := range lives {
		g.Go(func() error { return a.Run(gctx) })
	}
	if cfg.MetricsAddr != "" {
		g.Go(func() error { return serveMetrics(gctx, cfg.MetricsAddr, tel.handler("")) })
	}
	g.Go(func() error {
		select {
		case <-lead.Lost():
			return errLostLeadership
		case <-gctx.Done():
			return nil
		}
	})
	log.Info("worker started", "feed", cfg.Feed, "admin", cfg.AdminAddr, "metrics", metricsURL(cfg))
	err = g.Wait()
	log.Info("worker stopped")
	return err
}

// openPool connects to PostgreSQL, waiting (with one log line) while it is
// down at start-up.
func openPool(ctx context.Context, cfg config.Worker, log *slog.Logger) (*pgxpool.Pool, error) {
	warned := false
	for {
		pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		pool, err := postgres.Open(pctx, cfg.DatabaseURL, postgres.Options{MaxConns: 16, ApplicationName: "autonome-worker"})
		cancel()
		if err == nil {
			if warned {
				log.Info("postgres is reachable")
			}
			return pool, nil
		}
		if !warned {
			log.Error("postgres unreachable; retrying every 2s", "err", err)
			warned = true
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("open postgres: %w", ctx.Err())
		case <-time.After(2 * time.Second):
		}
	}
}

// runFeed runs the feed; a feed that ends while the worker runs is an error.
func runFeed(ctx context.Context, f marketdata.Feed, sink marketdata.Sink, log *slog.Logger) error {
	err := f.Run(ctx, sink)
	if ctx.Err() != nil {
		return nil
	}
	if err == nil {
		log.Info("market feed finished (tape exhausted)")
		<-ctx.Done()
		return nil
	}
	return fmt.Errorf("market feed: %w", err)
}
