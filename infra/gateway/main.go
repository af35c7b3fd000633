// Command gateway is the local stand-in for what fronts the arena in
// production (API Gateway for the Lambda API, a load balancer for the SSE
// relays, static hosting for the dashboard): one port that serves the
// dashboard at /, proxies /api/rpc/*, /api/export/* and /health to the API,
// /api/events/* to a relay and /api/chat to the co-pilot. `make run` starts it on :8081.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"time"

	"github.com/autonome-go/autonome/functions/dashboard"
	"github.com/autonome-go/autonome/shared/config"
	"github.com/autonome-go/autonome/shared/httpserver"
	"github.com/autonome-go/autonome/shared/process"
)

func main() {
	process.Main("gateway", func(ctx context.Context) error { return run(ctx, os.Stdout) })
}

func run(ctx context.Context, stdout io.Writer) error {
	var cfg config.Gateway
	if err := config.Load(&cfg); err != nil {
		return err
	}
	log := config.Logger(stdout, "info", "text", "gateway")
	h, err := newHandler(cfg, log)
	if err != nil {
		return err
	}
	log.Info("gateway listening", "addr", cfg.Addr, "api", cfg.APIURL, "relay", cfg.RelayURL)
	// No server-wide ReadTimeout: its deadline also ends long requests
	// (the SSE streams proxied to the relays); RPC bodies get their own
	// read deadline in limitBody.
	return httpserver.Run(ctx, &http.Server{Addr: cfg.Addr, Handler: h, ReadTimeout: -1})
}

func newHandler(cfg config.Gateway, log *slog.Logger) (http.Handler, error) {
	api, err := proxy(cfg.APIURL, log)
	if err != nil {
		return nil, err
	}
	relay, err := proxy(cfg.RelayURL, log)
	if err != nil {
		return nil, err
	}
	relay.FlushInterval = -1 // stream SSE frames as they come
	chat, err := proxy(cfg.ChatURL, log)
	if err != nil {
		return nil, err
	}
	chat.FlushInterval = -1 // the co-pilot streams its answer as SSE too
	opts := dashboard.Options{APIBase: cfg.APIBase, SSEBase: cfg.SSEBase, Title: cfg.Title}
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	dash := dashboard.Handler(opts)
	mux := http.NewServeMux()
	mux.Handle("/api/rpc/", limitBody(api, maxRPCBody))
	mux.Handle("GET /api/export/", api)
	mux.Handle("/health", api)
	mux.Handle("/health/", api)
	mux.Handle("/api/health", api)
	mux.Handle("/api/events/", relay)
	mux.Handle("/api/chat", limitBody(chat, maxRPCBody))
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok\n") })
	mux.Handle("/", dash)
	return mux, nil
}

func proxy(target string, log *slog.Logger) (*httputil.ReverseProxy, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, fmt.Errorf("parse upstream %q: %w", target, err)
	}
	p := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(u)
			r.SetXForwarded()
		},
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			if tooLarge := new(http.MaxBytesError); errors.As(err, &tooLarge) {
				writeTooLarge(w, tooLarge.Limit)
				return
			}
			log.Warn("upstream unavailable", "upstream", target, "path", r.URL.Path, "err", err)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = io.WriteString(w, `{"json":{"defined":false,"code":"SERVICE_UNAVAILABLE","status":503,"message":"upstream unavailable"},"meta":[]}`)
		},
	}
	return p, nil
}

// maxRPCBody is the largest RPC body the gateway forwards, like API
// Gateway's payload limit; the API itself refuses more than 64 KiB with
// BAD_REQUEST.
const maxRPCBody = 1 << 20

// limitBody answers 413 for a body over limit instead of forwarding it (an
// upstream that stops reading mid-body would otherwise surface as a 502).
func limitBody(h http.Handler, limit int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > limit {
			writeTooLarge(w, limit)
			return
		}
		_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(httpserver.DefaultReadTimeout))
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		h.ServeHTTP(w, r)
	})
}

func writeTooLarge(w http.ResponseWriter, limit int64) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Connection", "close")
	w.WriteHeader(http.StatusRequestEntityTooLarge)
	_, _ = fmt.Fprintf(w, `{"json":{"defined":false,"code":"PAYLOAD_TOO_LARGE","status":413,"message":"the body is larger than %d bytes"},"meta":[]}`, limit)
}
