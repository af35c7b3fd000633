// Command worker is the long-running process on the VPS: the market feed,
// the exchange simulator, the schedulers and the agents. Subcommands:
//
//	worker           run until SIGINT/SIGTERM
//	worker migrate   apply the database migrations and exit
//	worker seed      create the default roster (idempotent) and exit
//	worker season …  run, replay, verify, repeat and export seasons (see season.Usage); needs no database
//	worker credentials NAME VARIANT   seal a seat's Lighter credentials (JSON on stdin) for live mode
//	worker season import BUNDLE  verify a bundle and store it in PostgreSQL (see seasonimport.Usage)
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/autonome-go/autonome/shared/config"
	"github.com/autonome-go/autonome/shared/postgres"
	"github.com/autonome-go/autonome/shared/process"
	"github.com/autonome-go/autonome/shared/redis"
	"github.com/autonome-go/autonome/shared/tracing"
	"github.com/autonome-go/autonome/worker/internal/season"
	"github.com/autonome-go/autonome/worker/internal/seasonimport"
	"github.com/autonome-go/autonome/worker/internal/service"
)

func main() {
	process.Main("worker", func(ctx context.Context) error { return run(ctx, os.Args[1:], os.Stdin, os.Stdout) })
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) > 1 && args[0] == "season" && args[1] == "import" {
		return seasonimport.Main(ctx, args[2:], stdout, os.Getenv)
	}
	if len(args) > 0 && args[0] == "season" {
		return season.Main(ctx, args[1:], stdout, os.Getenv)
	}
	var cfg config.Worker
	if err := config.Load(&cfg); err != nil {
		return err
	}
	log := config.Logger(stdout, cfg.LogLevel, cfg.LogFormat, "worker")
	cmd := "run"
	if len(args) > 0 {
		cmd = args[0]
	}
	switch cmd {
	case "run":
		redis.UseLogger(log)
		stopTracing, err := tracing.Start(ctx, "autonome-worker", cfg.OTLPEndpoint)
		if err != nil {
			return err
		}
		defer func() { _ = stopTracing(context.WithoutCancel(ctx)) }()
		return service.Run(ctx, cfg, log)
	case "migrate", "seed", "models", "credentials":
		dctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		defer cancel()
		pool, err := postgres.Open(dctx, cfg.DatabaseURL, postgres.Options{MaxConns: 2, ApplicationName: "autonome-" + cmd})
		if err != nil {
			return err
		}
		defer pool.Close()
		if cmd == "migrate" {
			applied, err := postgres.Migrate(dctx, pool)
			if err != nil {
				return err
			}
			log.Info("migrations applied", "count", len(applied), "files", applied)
			return nil
		}
		if cmd == "models" {
			return service.PrintModels(dctx, cfg, pool, stdout)
		}
		if cmd == "credentials" {
			return service.StoreCredentials(dctx, cfg, pool, args[1:], stdin, stdout)
		}
		_, err = service.Reconcile(dctx, cfg, pool, log)
		return err
	}
	return fmt.Errorf("unknown command %q: expected run, migrate, seed, models, credentials or season", cmd)
}
