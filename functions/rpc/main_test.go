package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/config"
	"github.com/autonome-go/autonome/shared/redis"
	"github.com/autonome-go/autonome/shared/testenv"
)

// The handler main builds answers a synthetic API Gateway HTTP API (v2)
// event in process, as Lambda would deliver it.
func TestLambdaEventGetCryptoPrices(t *testing.T) {
	rdb, prefix := testenv.Redis(t)
	_, dbURL := testenv.Postgres(t)
	ctx := testenv.Context(t, 20*time.Second)
	t.Setenv("DATABASE_URL", dbURL)
	t.Setenv("REDIS_URL", testenv.RedisURL())
	t.Setenv("REDIS_PREFIX", prefix)
	var cfg config.API
	if err := config.Load(&cfg); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	if err := redis.NewMarks(rdb, prefix).Set(ctx, []arena.Price{
		{Symbol: "BTC", Price: arena.MustFixed("97000.5"), Time: now},
		{Symbol: "ETH", Price: arena.MustFixed("3300.25"), Time: now},
		{Symbol: "SOL", Price: arena.MustFixed("190.125"), Time: now},
	}); err != nil {
		t.Fatal(err)
	}
	h, closeFn, err := newHandler(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer closeFn()

	ev := events.APIGatewayV2HTTPRequest{
		Version: "2.0", RouteKey: "ANY /api/rpc/{proxy+}", RawPath: "/api/rpc/trading/getCryptoPrices",
		Headers: map[string]string{"content-type": "application/json"},
		Body:    `{"json":{}}`,
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "POST", Path: "/api/rpc/trading/getCryptoPrices", SourceIP: "203.0.113.9"},
		},
	}
	resp, err := httpadapter.NewV2(h).ProxyWithContext(context.Background(), ev)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, resp.Body)
	}
	const want = `{"json":{"prices":[{"symbol":"BTC","price":97000.5},{"symbol":"ETH","price":3300.25},{"symbol":"SOL","price":190.125}]},"meta":[]}`
	if resp.Body != want {
		t.Fatalf("body\n got %s\nwant %s", resp.Body, want)
	}
	var env struct{ JSON json.RawMessage }
	if err := json.Unmarshal([]byte(resp.Body), &env); err != nil {
		t.Fatal(err)
	}

	// A malformed envelope is a BAD_REQUEST, not a 500.
	ev.Body = `{"json":{"symbols":"BTC"}}`
	resp, err = httpadapter.NewV2(h).ProxyWithContext(context.Background(), ev)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("bad input: status %d: %s", resp.StatusCode, resp.Body)
	}
}
