package tracing

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/trace/noop"
)

// With an endpoint, spans reach an OTLP/HTTP collector; log lines written in
// a span carry its ids.
func TestSpansReachTheCollectorAndTheLogs(t *testing.T) {
	var mu sync.Mutex
	var posts []string
	collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		posts = append(posts, r.URL.Path+" "+r.Header.Get("Content-Type")+" "+string(b))
		mu.Unlock()
		w.WriteHeader(http.StatusOK)
	}))
	defer collector.Close()
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", collector.URL)
	t.Cleanup(func() { otel.SetTracerProvider(noop.NewTracerProvider()) })

	stop, err := Start(t.Context(), "autonome-test", collector.URL)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	log := slog.New(LogHandler(slog.NewJSONHandler(&buf, nil)))
	ctx, span := Tracer("test").Start(t.Context(), "decision")
	log.InfoContext(ctx, "inside")
	log.Info("outside")
	span.End()
	if err := stop(t.Context()); err != nil {
		t.Fatal(err)
	}

	mu.Lock()
	defer mu.Unlock()
	if len(posts) == 0 {
		t.Fatal("no spans were exported")
	}
	if !bytes.Contains([]byte(posts[0]), []byte("/v1/traces application/x-protobuf")) ||
		!bytes.Contains([]byte(posts[0]), []byte("decision")) || !bytes.Contains([]byte(posts[0]), []byte("autonome-test")) {
		t.Fatalf("unexpected export: %.200q", posts[0])
	}
	lines := bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n"))
	var in, out map[string]any
	_ = json.Unmarshal(lines[0], &in)
	_ = json.Unmarshal(lines[1], &out)
	if in["trace_id"] != span.SpanContext().TraceID().String() || in["span_id"] != span.SpanContext().SpanID().String() {
		t.Errorf("the line in the span has no or wrong ids: %s", lines[0])
	}
	if _, ok := out["trace_id"]; ok {
		t.Errorf("a line outside any span has a trace id: %s", lines[1])
	}
}

// Without an endpoint nothing is installed and spans cost nothing.
func TestOffWithoutEndpoint(t *testing.T) {
	stop, err := Start(t.Context(), "autonome-test", "")
	if err != nil {
		t.Fatal(err)
	}
	_, span := Tracer("test").Start(t.Context(), "x")
	if span.SpanContext().IsValid() || span.IsRecording() {
		t.Error("a span is recorded with tracing off")
	}
	span.End()
	if err := stop(t.Context()); err != nil {
		t.Fatal(err)
	}
}
