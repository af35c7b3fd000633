package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/autonome-go/autonome/shared/config"
)

// The dashboard answers API Gateway v2 events: the page, and the config
// naming where the API and the relays are.
func TestLambdaServesDashboard(t *testing.T) {
	t.Setenv("DASHBOARD_SSE_BASE", "https://events.arena.example.com")
	var cfg config.Web
	if err := config.Load(&cfg); err != nil {
		t.Fatal(err)
	}
	h, err := newHandler(cfg)
	if err != nil {
		t.Fatal(err)
	}
	get := func(path string) events.APIGatewayV2HTTPResponse {
		resp, err := httpadapter.NewV2(h).ProxyWithContext(t.Context(), events.APIGatewayV2HTTPRequest{
			Version: "2.0", RawPath: path,
			RequestContext: events.APIGatewayV2HTTPRequestContext{HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "GET", Path: path}},
		})
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	if r := get("/"); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "<html") {
		t.Fatalf("GET /: %d %.200s", r.StatusCode, r.Body)
	}
	if r := get("/config.js"); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "https://events.arena.example.com") {
		t.Fatalf("GET /config.js: %d %s", r.StatusCode, r.Body)
	}
	t.Setenv("DASHBOARD_API_BASE", "javascript:alert(1)")
	if err := config.Load(&cfg); err != nil {
		t.Fatal(err)
	}
	if _, err := newHandler(cfg); err == nil {
		t.Fatal("a javascript: API base was accepted")
	}
}
