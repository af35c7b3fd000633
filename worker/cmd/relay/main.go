// Command relay is the SSE relay: it follows the event log in Redis and
// streams it to browsers at /api/events/{channel}. It keeps no state of its
// own, so several run behind a load balancer; on SIGTERM it tells its
// clients to reconnect (to another relay) and exits.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/autonome-go/autonome/shared/clientaddr"
	"github.com/autonome-go/autonome/shared/config"
	"github.com/autonome-go/autonome/shared/httpserver"
	"github.com/autonome-go/autonome/shared/metrics"
	"github.com/autonome-go/autonome/shared/process"
	"github.com/autonome-go/autonome/shared/redis"
	"github.com/autonome-go/autonome/shared/tracing"
	"github.com/autonome-go/autonome/worker/internal/relay"
)

func main() {
	process.Main("relay", func(ctx context.Context) error { return run(ctx, os.Stdout) })
}

func run(ctx context.Context, stdout io.Writer) error {
	var cfg config.Relay
	if err := config.Load(&cfg); err != nil {
		return err
	}
	log := config.Logger(stdout, cfg.LogLevel, cfg.LogFormat, "relay")
	redis.UseLogger(log)
	stopTracing, err := tracing.Start(ctx, "autonome-relay", cfg.OTLPEndpoint)
	if err != nil {
		return err
	}
	defer func() { _ = stopTracing(context.WithoutCancel(ctx)) }()
	addrs, err := clientaddr.New(cfg.TrustedProxies)
	if err != nil {
		return err
	}
	rdb, err := redis.Open(cfg.RedisURL)
	if err != nil {
		return err
	}
	defer rdb.Close()
	srv := relay.New(redis.NewEventLog(rdb, redis.EventLogOptions{Prefix: cfg.RedisPrefix}), relay.Options{
		AllowedOrigins: cfg.CORSOrigins, Token: cfg.SSEToken, MaxClients: cfg.MaxClients,
		MaxClientsPerIP: cfg.MaxClientsPerIP, ClientAddr: addrs, Heartbeat: cfg.Heartbeat, Logger: log,
	})
	reg := metrics.NewRegistry()
	reg.MustRegister(srv.Collector(), redis.NewPoolCollector(rdb))
	mux := http.NewServeMux()
	mux.Handle("/api/events/", srv.Handler())
	mux.Handle("GET /metrics", metrics.Handler(reg, cfg.MetricsToken))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		select {
		case <-srv.Ready():
			_, _ = io.WriteString(w, "ok\n")
		default:
			http.Error(w, "syncing with redis", http.StatusServiceUnavailable)
		}
	})
	hs := &http.Server{Addr: cfg.Addr, Handler: mux, ReadHeaderTimeout: httpserver.DefaultReadHeaderTimeout, IdleTimeout: httpserver.DefaultIdleTimeout}

	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return srv.Run(gctx) })
	g.Go(func() error {
		log.Info("relay listening", "addr", cfg.Addr, "metrics", "http://"+cfg.Addr+"/metrics")
		if err := hs.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("listen %s: %w", cfg.Addr, err)
		}
		return nil
	})
	g.Go(func() error {
		<-gctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx) // tells clients to reconnect elsewhere
		if err := hs.Shutdown(sctx); err != nil {
			_ = hs.Close()
		}
		log.Info("relay stopped")
		return nil
	})
	return g.Wait()
}
