package llm

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/autonome-go/autonome/worker/internal/llm/llmtest"
)

var update = flag.Bool("update", false, "rewrite golden files")

// The first request of a turn, byte for byte: model, messages, the four tool
// schemas, tool_choice and temperature. A change here changes what every
// provider receives.
func TestRequestGolden(t *testing.T) {
	srv := llmtest.NewServer(t, hold())
	if _, err := newAgent(t, srv, agentOpts{}).Decide(t.Context(), testInput(), &fillAll{}); err != nil {
		t.Fatal(err)
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, srv.Requests()[0].Raw, "", "  "); err != nil {
		t.Fatal(err)
	}
	pretty.WriteByte('\n')
	path := filepath.Join("testdata", "request.golden.json")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, pretty.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run with -update to create): %v", err)
	}
	if !bytes.Equal(pretty.Bytes(), want) {
		t.Fatalf("request differs from %s (run with -update after review):\n%s", path, pretty.Bytes())
	}
}
