package rpc_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/autonome-go/autonome/functions/internal/rpc"
	"github.com/autonome-go/autonome/functions/internal/rpc/rpctest"
	"github.com/autonome-go/autonome/shared/postgres"
)

// syncBuffer collects log output from concurrent handlers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) lines(level string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, l := range strings.Split(s.b.String(), "\n") {
		if strings.Contains(l, "level="+level) {
			out = append(out, l)
		}
	}
	return out
}

// PostgreSQL terminating the API's connection (57P01, as when it shuts
// down) is "unavailable, retry", not an internal error.
func TestDatabaseShuttingDownIsUnavailable(t *testing.T) {
	env := rpctest.Seed(t)
	ctx := t.Context()
	pool, err := postgres.Open(ctx, env.URL, postgres.Options{MaxConns: 1, ApplicationName: "api-under-test"})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	deps := env.Deps
	deps.DB = postgres.NewReader(pool)
	h := rpc.NewHandler(deps, env.Options())
	if resp, body := do(t, h, "POST", "/api/rpc/models/getModels", "", nil); resp.StatusCode != 200 {
		t.Fatalf("before: %d %s", resp.StatusCode, body)
	}
	var n int
	if err := env.Pool.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE application_name = 'api-under-test'`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("terminated %d backends: %v", n, err)
	}
	resp, body := do(t, h, "POST", "/api/rpc/models/getModels", "", nil)
	if resp.StatusCode != 503 || code(t, body) != "SERVICE_UNAVAILABLE" {
		t.Fatalf("after the server ended the connection: %d %s", resp.StatusCode, body)
	}
}

// While the database is down every request answers 503, and the API logs
// the outage once per interval with a count instead of one ERROR per
// request.
func TestOutageLoggedOncePerInterval(t *testing.T) {
	env := rpctest.Seed(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := ln.Addr().String()
	ln.Close() // nothing listens there now: connections are refused
	pool, err := postgres.Open(t.Context(), fmt.Sprintf("postgres://postgres@%s/x?connect_timeout=2", dead),
		postgres.Options{MaxConns: 2, Lazy: true})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	var logs syncBuffer
	deps := env.Deps
	deps.DB = postgres.NewReader(pool)
	o := env.Options()
	o.Log = slog.New(slog.NewTextHandler(&logs, nil))
	h := rpc.NewHandler(deps, o)
	const requests = 40
	for i := range requests {
		path := []string{"/api/rpc/models/getModels", "/api/rpc/trading/getTrades", "/api/rpc/analytics/getLeaderboard"}[i%3]
		resp, body := do(t, h, "POST", path, "", nil)
		if resp.StatusCode != 503 || code(t, body) != "SERVICE_UNAVAILABLE" {
			t.Fatalf("%s during the outage: %d %s", path, resp.StatusCode, body)
		}
	}
	errs := logs.lines("ERROR")
	if len(errs) == 0 || len(errs) > 2 {
		t.Fatalf("%d ERROR lines for %d failed requests, want 1 (2 if the run spanned an interval):\n%s",
			len(errs), requests, strings.Join(errs, "\n"))
	}
	if !strings.Contains(errs[0], "occurrences=1") {
		t.Errorf("the first line should count its own failure: %s", errs[0])
	}
}
