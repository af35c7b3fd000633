// Package httpserver runs an http.Server for a binary's lifetime: it
// listens, serves until the context ends, then shuts down gracefully within
// a bound, closing what is still open (long-lived streams) after it.
package httpserver

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// ShutdownTimeout bounds a graceful shutdown.
const ShutdownTimeout = 10 * time.Second

// Default timeouts, applied where the server leaves them zero. A client
// that sends its headers or body slowly, or holds an idle keep-alive
// connection, is cut off instead of holding a file descriptor for as long
// as it likes (a negative value turns one off). WriteTimeout is left to
// each server: one that proxies
// streams (the gateway's SSE) must not have it; the others set it.
const (
	DefaultReadHeaderTimeout = 5 * time.Second
	DefaultReadTimeout       = 30 * time.Second
	DefaultIdleTimeout       = 2 * time.Minute
)

// Run serves srv until ctx is done. It returns an error only when the
// server could not listen or serve; after ctx ends it returns nil once the
// server has stopped.
func Run(ctx context.Context, srv *http.Server) error {
	if srv.ReadHeaderTimeout == 0 {
		srv.ReadHeaderTimeout = DefaultReadHeaderTimeout
	}
	if srv.ReadTimeout == 0 {
		srv.ReadTimeout = DefaultReadTimeout
	}
	if srv.IdleTimeout == 0 {
		srv.IdleTimeout = DefaultIdleTimeout
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	select {
	case err := <-errc:
		return fmt.Errorf("listen %s: %w", srv.Addr, err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		_ = srv.Close() // streams that did not end by themselves
	}
	return nil
}
