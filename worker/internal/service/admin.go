package service

import (
	"context"
	"encoding/json"
	"github.com/autonome-go/autonome/shared/config"
	"github.com/autonome-go/autonome/shared/httpserver"
	"log/slog"
	"net/http"
	"time"
)

// admin is the worker's own HTTP listener: health now, queue monitoring later.
type admin struct {
	addr   string
	health *health
	log    *slog.Logger
	mux    *http.ServeMux
}

func newAdmin(addr string, h *health, log *slog.Logger) *admin {
	a := &admin{addr: addr, health: h, log: log, mux: http.NewServeMux()}
	a.mux.HandleFunc("GET /health", a.serveHealth)
	return a
}

func (a *admin) serveHealth(w http.ResponseWriter, _ *http.Request) {
	rep := a.health.report(time.Now())
	w.Header().Set("Content-Type", "application/json")
	if rep.Status != "ok" {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	_ = json.NewEncoder(w).Encode(rep)
}

// Run serves until ctx is done.
func (a *admin) Run(ctx context.Context) error {
	return httpserver.Run(ctx, &http.Server{Addr: a.addr, Handler: a.mux, WriteTimeout: time.Minute})
}

// serveMetrics serves the metrics alone on addr (METRICS_ADDR), without
// the admin token: bind it to a private address.
func serveMetrics(ctx context.Context, addr string, h http.Handler) error {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", h)
	return httpserver.Run(ctx, &http.Server{Addr: addr, Handler: mux, WriteTimeout: time.Minute})
}

// metricsURL says where the worker's metrics are.
func metricsURL(cfg config.Worker) string {
	if cfg.MetricsAddr != "" {
		return "http://" + cfg.MetricsAddr + "/metrics"
	}
	return "http://" + cfg.AdminAddr + "/metrics"
}
