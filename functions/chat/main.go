// Command chat is the co-pilot: POST /api/chat of functions/internal/chat,
// run by AWS Lambda behind a function URL with response streaming
// (InvokeMode RESPONSE_STREAM, aws-lambda-go's lambdaurl), or as a plain
// HTTP server when started outside Lambda (make run, behind the gateway).
package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdaurl"

	"github.com/autonome-go/autonome/functions/internal/chat"
	"github.com/autonome-go/autonome/shared/clientaddr"
	"github.com/autonome-go/autonome/shared/config"
	"github.com/autonome-go/autonome/shared/httpserver"
	"github.com/autonome-go/autonome/shared/postgres"
	"github.com/autonome-go/autonome/shared/process"
)

func main() {
	process.Main("chat", func(ctx context.Context) error { return run(ctx, os.Getenv, os.Stdout) })
}

func run(ctx context.Context, getenv func(string) string, stdout io.Writer) error {
	var cfg config.Chat
	if err := config.Load(&cfg); err != nil {
		return err
	}
	log := config.Logger(stdout, cfg.LogLevel, cfg.LogFormat, "chat")
	h, closeFn, err := newHandler(ctx, cfg, getenv, log)
	if err != nil {
		return err
	}
	defer closeFn()
	if getenv("AWS_LAMBDA_RUNTIME_API") != "" {
		// One pool per execution environment, reused by its invocations;
		// the answer streams through the function URL as it is written.
		lambdaurl.Start(h, lambda.WithContext(ctx))
		return nil
	}
	log.Info("chat listening", "addr", cfg.Addr)
	return httpserver.Run(ctx, &http.Server{Addr: cfg.Addr, Handler: h})
}

// newHandler wires the co-pilot: its pool, its model and its limits.
func newHandler(ctx context.Context, cfg config.Chat, getenv func(string) string, log *slog.Logger) (http.Handler, func(), error) {
	ep, err := chat.Resolve(cfg.Model, getenv)
	if err != nil {
		return nil, nil, err
	}
	if !ep.Configured() {
		log.Warn("no API key for the co-pilot's model; every answer will say what to set", "model", cfg.Model, "env", ep.Provider.KeyEnv)
	}
	clients, err := clientaddr.New(cfg.TrustedProxies)
	if err != nil {
		return nil, nil, err
	}
	pool, err := postgres.Open(ctx, cfg.DatabaseURL, postgres.Options{MaxConns: cfg.DBMaxConns, NoStatementCache: cfg.DBProxyMode,
		ApplicationName: "autonome-chat", Lazy: true})
	if err != nil {
		return nil, nil, err
	}
	h, err := chat.NewHandler(chat.Options{Pool: pool, Endpoint: ep, Clients: clients, Token: cfg.Token, Logger: log,
		Limits: chat.Limits{MaxSteps: cfg.MaxSteps, MaxTokens: cfg.MaxTokens, Timeout: cfg.Timeout, DailyTokens: cfg.DailyTokens,
			RatePerMinute: cfg.RatePerMinute, RateBurst: cfg.RateBurst,
			SQL: chat.SQLLimits{Timeout: cfg.SQLTimeout, MaxRows: cfg.SQLMaxRows, MaxBytes: cfg.SQLMaxBytes}}})
	if err != nil {
		pool.Close()
		return nil, nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/api/chat", h)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok\n") })
	return mux, pool.Close, nil
}
