package rpc_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/autonome-go/autonome/functions/internal/rpc"
	"github.com/autonome-go/autonome/functions/internal/rpc/rpctest"
	"github.com/autonome-go/autonome/shared/clientaddr"
)

type wireErr struct {
	JSON struct {
		Defined bool   `json:"defined"`
		Code    string `json:"code"`
		Status  int    `json:"status"`
		Message string `json:"message"`
	} `json:"json"`
}

func do(t *testing.T, h http.Handler, method, path, body string, header map[string]string) (*http.Response, []byte) {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.RemoteAddr = "198.51.100.7:40000"
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result(), rec.Body.Bytes()
}

func code(t *testing.T, body []byte) string {
	t.Helper()
	var e wireErr
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("not an oRPC error: %s", body)
	}
	return e.JSON.Code
}

// A handler with no database: enough for the middleware's decisions.
func bare(o rpc.Options) http.Handler {
	return rpc.NewHandler(rpc.Deps{Now: func() time.Time { return rpctest.Now }}, o)
}

func TestMutationsRequireAdminToken(t *testing.T) {
	order := `{"json":{"accountId":"a","symbol":"BTC","quantity":1,"side":"buy"}}`
	h := bare(rpc.Options{AdminTokens: []string{"first-token", " second-token "}})
	for name, hdr := range map[string]map[string]string{
		"none":        nil,
		"wrong":       {"Authorization": "Bearer first-tokenX"},
		"prefix":      {"Authorization": "Bearer first"},
		"basic":       {"Authorization": "Basic Zmlyc3QtdG9rZW4="},
		"empty":       {"Authorization": "Bearer "},
		"query-like":  {"X-Admin-Token": "first-token"},
		"other token": {"Authorization": "Bearer third-token"},
	} {
		resp, body := do(t, h, "POST", "/api/rpc/simulator/placeOrder", order, hdr)
		if resp.StatusCode != 401 || code(t, body) != "UNAUTHORIZED" {
			t.Errorf("%s: status %d %s", name, resp.StatusCode, body)
		}
		if strings.Contains(string(body), "first-token") {
			t.Errorf("%s: token echoed: %s", name, body)
		}
	}
	for _, tok := range []string{"first-token", "second-token"} {
		// Authenticated: the request gets past authentication (and fails
		// later, here for want of a database, but not with 401).
		resp, _ := do(t, h, "POST", "/api/rpc/simulator/resetAccount", `{"json":{}}`, map[string]string{"Authorization": "bearer " + tok})
		if resp.StatusCode == 401 {
			t.Errorf("token %q refused", tok)
		}
	}
	// Without any token configured, mutations are disabled.
	resp, _ := do(t, bare(rpc.Options{}), "POST", "/api/rpc/simulator/placeOrder", order, map[string]string{"Authorization": "Bearer "})
	if resp.StatusCode != 401 {
		t.Errorf("no tokens configured: status %d", resp.StatusCode)
	}
	// Mutations cannot be sent as GET (a link or an <img> could).
	resp, _ = do(t, h, "GET", "/api/rpc/simulator/placeOrder?data=%7B%7D", "", map[string]string{"Authorization": "Bearer first-token"})
	if resp.StatusCode != 405 {
		t.Errorf("GET mutation: status %d", resp.StatusCode)
	}
	// Reads need no token.
	resp, body := do(t, h, "POST", "/api/rpc/variants/getVariants", "", nil)
	if resp.StatusCode != 200 {
		t.Errorf("read: status %d %s", resp.StatusCode, body)
	}
}

func TestCORSExactOrigins(t *testing.T) {
	h := bare(rpc.Options{CORSOrigins: []string{"https://arena.example.com/", "http://localhost:5173"}})
	cases := []struct {
		origin string
		allow  bool
	}{
		{"https://arena.example.com", true},
		{"http://localhost:5173", true},
		{"http://localhost:5174", false},
		{"https://arena.example.com.evil.net", false},
		{"https://evil-arena.example.com", false},
		{"http://arena.example.com", false},
		{"https://ARENA.example.com", false},
		{"null", false},
		{"http://evil-localhost:5173", false},
	}
	for _, c := range cases {
		resp, _ := do(t, h, "POST", "/api/rpc/variants/getVariants", "", map[string]string{"Origin": c.origin})
		got := resp.Header.Get("Access-Control-Allow-Origin")
		if (got == c.origin) != c.allow || (!c.allow && got != "") {
			t.Errorf("origin %q: Access-Control-Allow-Origin %q", c.origin, got)
		}
		if !strings.Contains(strings.Join(resp.Header.Values("Vary"), ","), "Origin") {
			t.Errorf("origin %q: no Vary: Origin", c.origin)
		}
		pre, _ := do(t, h, "OPTIONS", "/api/rpc/simulator/placeOrder", "", map[string]string{
			"Origin": c.origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization, content-type"})
		if c.allow {
			if pre.StatusCode != 204 || pre.Header.Get("Access-Control-Allow-Origin") != c.origin ||
				!strings.Contains(pre.Header.Get("Access-Control-Allow-Headers"), "Authorization") ||
				!strings.Contains(pre.Header.Get("Access-Control-Allow-Methods"), "POST") {
				t.Errorf("preflight from %q: %d %v", c.origin, pre.StatusCode, pre.Header)
			}
		} else if pre.StatusCode != 403 || pre.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("preflight from %q: %d %v", c.origin, pre.StatusCode, pre.Header)
		}
	}
	// No Origin: no CORS headers, request served.
	resp, _ := do(t, h, "POST", "/api/rpc/variants/getVariants", "", nil)
	if resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("no origin: %d %v", resp.StatusCode, resp.Header)
	}
}

func TestRateLimitPerClient(t *testing.T) {
	now := rpctest.Now
	clock := func() time.Time { return now }
	proxy, err := clientaddr.New([]string{"198.51.100.7/32"}) // the peer do() connects from
	if err != nil {
		t.Fatal(err)
	}
	h := rpc.NewHandler(rpc.Deps{Now: clock}, rpc.Options{RateLimit: 2, RateBurst: 3, ClientAddr: proxy})
	from := func(addr string) map[string]string {
		return map[string]string{"X-Forwarded-For": "203.0.113.250, " + addr}
	}
	for i := 0; i < 3; i++ {
		if resp, body := do(t, h, "POST", "/api/rpc/variants/getVariants", "", from("192.0.2.1")); resp.StatusCode != 200 {
			t.Fatalf("request %d: %d %s", i, resp.StatusCode, body)
		}
	}
	resp, body := do(t, h, "POST", "/api/rpc/variants/getVariants", "", from("192.0.2.1"))
	if resp.StatusCode != 429 || code(t, body) != "TOO_MANY_REQUESTS" || resp.Header.Get("Retry-After") != "1" {
		t.Fatalf("over the burst: %d %s %v", resp.StatusCode, body, resp.Header)
	}
	// Another client is unaffected; the forged left-most entry is ignored.
	if resp, _ := do(t, h, "POST", "/api/rpc/variants/getVariants", "", from("192.0.2.2")); resp.StatusCode != 200 {
		t.Fatalf("other client limited: %d", resp.StatusCode)
	}
	// Tokens come back at the configured rate.
	now = now.Add(500 * time.Millisecond)
	if resp, _ := do(t, h, "POST", "/api/rpc/variants/getVariants", "", from("192.0.2.1")); resp.StatusCode != 200 {
		t.Fatalf("after refill: %d", resp.StatusCode)
	}

	// Without a trusted proxy the header is ignored and the peer address counts.
	h = rpc.NewHandler(rpc.Deps{Now: clock}, rpc.Options{RateLimit: 1, RateBurst: 1})
	do(t, h, "POST", "/api/rpc/variants/getVariants", "", from("192.0.2.3"))
	if resp, _ := do(t, h, "POST", "/api/rpc/variants/getVariants", "", from("192.0.2.4")); resp.StatusCode != 429 {
		t.Fatalf("spoofed X-Forwarded-For escaped the limit: %d", resp.StatusCode)
	}
}

// In Lambda the client is API Gateway's source IP, from the request
// context, whatever the headers say.
func TestRateLimitUsesGatewaySourceIP(t *testing.T) {
	h := rpc.NewHandler(rpc.Deps{Now: func() time.Time { return rpctest.Now }}, rpc.Options{RateLimit: 1, RateBurst: 1})
	adapter := httpadapter.NewV2(h)
	event := func(ip, xff string) events.APIGatewayV2HTTPRequest {
		return events.APIGatewayV2HTTPRequest{Version: "2.0", RawPath: "/api/rpc/variants/getVariants",
			Headers: map[string]string{"x-forwarded-for": xff},
			RequestContext: events.APIGatewayV2HTTPRequestContext{HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
				Method: "POST", Path: "/api/rpc/variants/getVariants", SourceIP: ip}}}
	}
	ctx := t.Context()
	if r, _ := adapter.ProxyWithContext(ctx, event("198.51.100.1", "10.0.0.1")); r.StatusCode != 200 {
		t.Fatalf("first: %d", r.StatusCode)
	}
	if r, _ := adapter.ProxyWithContext(ctx, event("198.51.100.1", "10.0.0.2")); r.StatusCode != 429 {
		t.Fatalf("same source IP, other header: %d", r.StatusCode)
	}
	if r, _ := adapter.ProxyWithContext(ctx, event("198.51.100.2", "10.0.0.1")); r.StatusCode != 200 {
		t.Fatalf("other source IP: %d", r.StatusCode)
	}
}

// Nothing secret leaves the API: credentials stored for live trading, the
// admin token and internal error text appear in no answer.
func TestNoSecretsInAnswers(t *testing.T) {
	env := rpctest.Seed(t)
	const secret = "SEALED-SECRET-0xDEADBEEF"
	if _, err := env.Pool.Exec(t.Context(), `INSERT INTO "ModelCredentials" ("modelId", "sealedApiKey") VALUES ('m-ds-apex', $1)`, []byte(secret)); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(rpc.NewHandler(env.Deps, env.Options()))
	defer srv.Close()
	for _, c := range rpctest.Cases() {
		req, _ := http.NewRequest(cmpOr(c.Method, "POST"), srv.URL+c.Path, strings.NewReader(c.Body))
		if c.Admin {
			req.Header.Set("Authorization", "Bearer "+rpctest.AdminToken)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for _, s := range []string{secret, rpctest.AdminToken, "sealedApiKey", "postgres://", "redis://", "SQLSTATE", "pgx"} {
			if bytes.Contains(body, []byte(s)) {
				t.Errorf("%s: answer contains %q", c.Name, s)
			}
		}
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
