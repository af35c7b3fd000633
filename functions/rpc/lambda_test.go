package main

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/autonome-go/autonome/functions/internal/rpc"
	"github.com/autonome-go/autonome/functions/internal/rpc/rpctest"
)

// Every request of the HTTP tests, delivered as an API Gateway HTTP API
// (payload v2) event in process, gets the same golden answer.
func TestLambdaEventsMatchGoldens(t *testing.T) {
	env := rpctest.Seed(t)
	adapter := httpadapter.NewV2(rpc.NewHandler(env.Deps, env.Options()))
	for _, c := range rpctest.Cases() {
		t.Run(c.Name, func(t *testing.T) {
			resp, err := adapter.ProxyWithContext(context.Background(), event(c))
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != c.Status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, c.Status, resp.Body)
			}
			if resp.IsBase64Encoded {
				t.Fatal("JSON answer was base64-encoded")
			}
			rpctest.Golden(t, c.Name, []byte(resp.Body))
		})
	}
}

// event builds the v2 event API Gateway would send for c.
func event(c rpctest.Case) events.APIGatewayV2HTTPRequest {
	method := c.Method
	if method == "" {
		method = "POST"
	}
	u, _ := url.Parse(c.Path)
	route := "ANY /api/rpc/{proxy+}"
	if !strings.HasPrefix(u.Path, "/api/rpc/") {
		route = "GET " + u.Path
	}
	headers := map[string]string{"content-type": "application/json", "user-agent": "lambda-test"}
	if c.Admin {
		headers["authorization"] = "Bearer " + rpctest.AdminToken
	}
	return events.APIGatewayV2HTTPRequest{
		Version: "2.0", RouteKey: route, RawPath: u.Path, RawQueryString: u.RawQuery, Headers: headers, Body: c.Body,
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RouteKey: route, Stage: "$default", DomainName: "abc123.execute-api.eu-west-1.amazonaws.com",
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: method, Path: u.Path, Protocol: "HTTP/1.1", SourceIP: "203.0.113.9"},
		},
	}
}

// A Lambda function URL delivers the same payload format (version 2.0,
// route "$default"), which the same adapter serves.
func TestFunctionURLEvent(t *testing.T) {
	env := rpctest.Seed(t)
	adapter := httpadapter.NewV2(rpc.NewHandler(env.Deps, env.Options()))
	ev := event(rpctest.Case{Path: "/api/rpc/analytics/getRunInfo", Body: `{"json":{}}`})
	ev.RouteKey, ev.RequestContext.RouteKey = "$default", "$default"
	ev.RequestContext.DomainName = "abcdefghij.lambda-url.eu-west-1.on.aws"
	ev.Body, ev.IsBase64Encoded = "eyJqc29uIjp7fX0=", true // {"json":{}}, as function URLs may send bodies
	resp, err := adapter.ProxyWithContext(t.Context(), ev)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, resp.Body)
	}
	rpctest.Golden(t, "analytics.getRunInfo", []byte(resp.Body))
}
