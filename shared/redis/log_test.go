package redis

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/autonome-go/autonome/shared/logdedup"
)

// go-redis's messages go to the binary's logger, each distinct one at most
// once per window, with the count of those swallowed in between.
func TestQuietLoggerUsesTheBinarysLogger(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil)).With("component", "worker")
	q := &quietLogger{log: log, seen: logdedup.New(1 << 62)}
	for range 5 {
		q.Printf(t.Context(), "dial tcp %s: connection refused", "127.0.0.1:6379")
	}
	q.Printf(t.Context(), "another %d", 1)
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("want 2 lines, got %d:\n%s", len(lines), buf.String())
	}
	if !strings.Contains(lines[0], "component=worker") || !strings.Contains(lines[0], "connection refused") {
		t.Errorf("line = %q", lines[0])
	}
}
