// Command web serves the browser dashboard (functions/dashboard): on AWS
// Lambda behind the same HTTP API as the RPC function (so the API is
// same-origin), or as a plain HTTP server elsewhere. The API and relay
// locations are configuration (DASHBOARD_API_BASE, DASHBOARD_SSE_BASE).
package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/autonome-go/autonome/functions/dashboard"
	"github.com/autonome-go/autonome/shared/config"
	"github.com/autonome-go/autonome/shared/httpserver"
	"github.com/autonome-go/autonome/shared/process"
)

func main() {
	process.Main("web", func(ctx context.Context) error { return run(ctx, os.Stdout) })
}

func run(ctx context.Context, stdout io.Writer) error {
	var cfg config.Web
	if err := config.Load(&cfg); err != nil {
		return err
	}
	h, err := newHandler(cfg)
	if err != nil {
		return err
	}
	if os.Getenv("AWS_LAMBDA_RUNTIME_API") != "" {
		lambda.StartWithOptions(httpadapter.NewV2(h).ProxyWithContext, lambda.WithContext(ctx))
		return nil
	}
	log := config.Logger(stdout, cfg.LogLevel, cfg.LogFormat, "web")
	log.Info("dashboard listening", "addr", cfg.Addr)
	return httpserver.Run(ctx, &http.Server{Addr: cfg.Addr, Handler: h, WriteTimeout: 30 * time.Second})
}

func newHandler(cfg config.Web) (http.Handler, error) {
	opts := dashboard.Options{APIBase: cfg.APIBase, SSEBase: cfg.SSEBase, Title: cfg.Title}
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	return dashboard.Handler(opts), nil
}
