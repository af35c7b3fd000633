// Command rpc is the API: the oRPC handler of functions/internal/rpc, run by
// AWS Lambda behind API Gateway (HTTP API, payload v2) or a function URL, or
// as a plain HTTP server when started outside Lambda (make run).
package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/autonome-go/autonome/functions/internal/rpc"
	"github.com/autonome-go/autonome/shared/config"
	"github.com/autonome-go/autonome/shared/httpserver"
	"github.com/autonome-go/autonome/shared/metrics"
	"github.com/autonome-go/autonome/shared/process"
	"github.com/autonome-go/autonome/shared/redis"
	"github.com/autonome-go/autonome/shared/tracing"
)

// started is when the process began, reported by /health.
var started = time.Now()

func main() {
	process.Main("rpc", func(ctx context.Context) error { return run(ctx, os.Stdout) })
}

func run(ctx context.Context, stdout io.Writer) error {
	var cfg config.API
	if err := config.Load(&cfg); err != nil {
		return err
	}
	log := config.Logger(stdout, cfg.LogLevel, cfg.LogFormat, "api")
	redis.UseLogger(log)
	h, closeFn, err := newHandler(ctx, cfg, log, started)
	if err != nil {
		return err
	}
	defer closeFn()
	stopTracing, err := tracing.Start(ctx, "autonome-api", cfg.OTLPEndpoint)
	if err != nil {
		return err
	}
	defer func() { _ = stopTracing(context.WithoutCancel(ctx)) }()
	if inLambda() {
		// The pool and clients above are made once per execution environment
		// and reused by every invocation it serves. Nothing scrapes a Lambda:
		// its metrics are Embedded Metric Format lines on stdout.
		h = rpc.Instrument(h, rpc.NewEMFObserver(metrics.NewEMF(stdout, "Autonome/API")))
		lambda.StartWithOptions(httpadapter.NewV2(h).ProxyWithContext, lambda.WithContext(ctx))
		return nil
	}
	reg := metrics.NewRegistry()
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", metrics.Handler(reg, cfg.MetricsToken))
	mux.Handle("/", rpc.Instrument(h, rpc.NewPromObserver(reg)))
	return serve(ctx, cfg.Addr(), mux, log)
}

// inLambda reports whether the Lambda runtime API is present.
func inLambda() bool { return os.Getenv("AWS_LAMBDA_RUNTIME_API") != "" }

func serve(ctx context.Context, addr string, h http.Handler, log *slog.Logger) error {
	log.Info("api listening", "addr", addr)
	err := httpserver.Run(ctx, &http.Server{Addr: addr, Handler: h, WriteTimeout: time.Minute})
	log.Info("api stopped")
	return err
}
