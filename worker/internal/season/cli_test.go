package season

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The README's commands: run on the synthetic feed, replay, verify, swap.
func TestCommands(t *testing.T) {
	dir := t.TempDir()
	roster := filepath.Join(dir, "roster.yaml")
	if err := os.WriteFile(roster, []byte("models: []\nbaselines: [buy-and-hold-btc, momentum, random]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "season.tar.zst")
	env := func(string) string { return "" }
	main := func(args ...string) string {
		t.Helper()
		var buf bytes.Buffer
		if err := Main(t.Context(), args, &buf, env); err != nil {
			t.Fatalf("season %s: %v\n%s", strings.Join(args, " "), err, buf.String())
		}
		return buf.String()
	}
	run := main("run", "--synthetic-seed", "7", "--feed-tick", "2s", "--duration", "20m", "--roster", roster, "--out", out)
	hash := regexp.MustCompile(`result ([0-9a-f]{64})`).FindStringSubmatch(run)
	if hash == nil {
		t.Fatalf("run printed no result hash:\n%s", run)
	}
	if got := main("replay", out); !strings.Contains(got, "result "+hash[1]+" (as recorded)") {
		t.Errorf("replay:\n%s", got)
	}
	if got := main("verify", out); !strings.Contains(got, "verified "+hash[1]) || !strings.Contains(got, "momentum/Guardian") {
		t.Errorf("verify:\n%s", got)
	}
	ab := filepath.Join(dir, "ab.tar.zst")
	main("replay", out, "--swap", "random/Guardian=baseline:always-flat", "--out", ab)
	if got := main("verify", ab); strings.Contains(got, hash[1]) {
		t.Errorf("the A/B bundle verifies to its parent's hash:\n%s", got)
	}
	var buf bytes.Buffer
	if err := Main(t.Context(), []string{"replay", out, "--swap", "nobody/Apex=baseline:momentum"}, &buf, env); err == nil ||
		!strings.Contains(err.Error(), "random/Guardian") {
		t.Errorf("an unknown entrant: %v", err)
	}
}
