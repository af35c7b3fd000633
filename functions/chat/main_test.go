package main

import (
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdaurl"

	"github.com/autonome-go/autonome/shared/config"
	"github.com/autonome-go/autonome/shared/testenv"
)

// Through a function URL (lambdaurl, response streaming) the co-pilot
// answers as a UI message stream; with no key configured it says which
// variable to set.
func TestLambdaFunctionURLStreams(t *testing.T) {
	_, dbURL := testenv.Postgres(t)
	t.Setenv("DATABASE_URL", dbURL)
	var cfg config.Chat
	if err := config.Load(&cfg); err != nil {
		t.Fatal(err)
	}
	h, closeFn, err := newHandler(t.Context(), cfg, func(string) string { return "" }, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer closeFn()
	req := &events.LambdaFunctionURLRequest{RawPath: "/api/chat", Body: `{"messages":[{"role":"user","content":"hi"}]}`,
		Headers: map[string]string{"content-type": "application/json"},
		RequestContext: events.LambdaFunctionURLRequestContext{DomainName: "abc.lambda-url.eu-west-1.on.aws",
			HTTP: events.LambdaFunctionURLRequestContextHTTPDescription{Method: "POST", SourceIP: "203.0.113.9"}}}
	resp, err := lambdaurl.Wrap(h)(t.Context(), req)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || resp.Headers["X-Vercel-Ai-Ui-Message-Stream"] != "v1" || resp.Headers["Content-Type"] != "text/event-stream" {
		t.Fatalf("status %d headers %v", resp.StatusCode, resp.Headers)
	}
	for _, want := range []string{`{"type":"start"`, "NIM_API_KEY is not set", `{"type":"finish"`, "data: [DONE]"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("body lacks %q:\n%s", want, body)
		}
	}
}
