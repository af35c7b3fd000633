package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
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
	srv := &http.Server{Addr: a.addr, Handler: a.mux, ReadHeaderTimeout: 5 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	select {
	case err := <-errc:
		return fmt.Errorf("admin listener %s: %w", a.addr, err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("admin shutdown: %w", err)
	}
	return nil
}
