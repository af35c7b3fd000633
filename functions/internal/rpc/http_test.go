package rpc_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/autonome-go/autonome/functions/internal/rpc"
	"github.com/autonome-go/autonome/functions/internal/rpc/rpctest"
	"github.com/autonome-go/autonome/shared/postgres"
)

// Every procedure over real HTTP against the seeded database, Redis and
// worker, compared byte for byte with its golden answer.
func TestProceduresOverHTTP(t *testing.T) {
	env := rpctest.Seed(t)
	runCases(t, env.Deps, env.Options())
}

// The same answers from a pool in RDS Proxy mode (no prepared statements,
// which would pin the proxy's connections).
func TestProceduresBehindRDSProxyMode(t *testing.T) {
	env := rpctest.Seed(t)
	pool, err := postgres.Open(t.Context(), env.URL, postgres.Options{MaxConns: 2, NoStatementCache: true, Lazy: true})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	deps := env.Deps
	deps.DB = postgres.NewReader(pool)
	runCases(t, deps, env.Options())
}

func runCases(t *testing.T, deps rpc.Deps, opts rpc.Options) {
	srv := httptest.NewServer(rpc.NewHandler(deps, opts))
	defer srv.Close()
	for _, c := range rpctest.Cases() {
		t.Run(c.Name, func(t *testing.T) {
			method := c.Method
			if method == "" {
				method = http.MethodPost
			}
			req, err := http.NewRequest(method, srv.URL+c.Path, strings.NewReader(c.Body))
			if err != nil {
				t.Fatal(err)
			}
			if c.Body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			if c.Admin {
				req.Header.Set("Authorization", "Bearer "+rpctest.AdminToken)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != c.Status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, c.Status, body)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("content type %q", ct)
			}
			rpctest.Golden(t, c.Name, body)
		})
	}
}

// The golden cases call every procedure of the reference successfully.
func TestCasesCoverReferenceProcedures(t *testing.T) {
	covered := map[string]bool{}
	for _, c := range rpctest.Cases() {
		if p, ok := strings.CutPrefix(c.Path, "/api/rpc/"); ok && c.Status == 200 {
			p, _, _ = strings.Cut(p, "?")
			covered[strings.ReplaceAll(p, "/", ".")] = true
		}
	}
	for _, p := range append(rpctest.ReferenceProcedures, rpctest.SeasonProcedures...) {
		if !covered[p] {
			t.Errorf("no successful golden case calls %s", p)
		}
	}
}
