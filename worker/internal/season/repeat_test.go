package season

import (
	"bytes"
	"encoding/csv"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/autonome-go/autonome/shared/stats"
	"github.com/autonome-go/autonome/worker/internal/llm/llmtest"
)

// coin answers like trader but picks open, close or hold at random on a
// first step (a model sampling at a temperature). reseed makes what
// follows reproducible (a sequential repeat after a recording whose two
// seats drew concurrently).
type coin struct {
	mu  sync.Mutex
	rng *rand.Rand
}

func newCoin(seed uint64) *coin { return &coin{rng: rand.New(rand.NewPCG(seed, 1))} }

func (c *coin) reseed(seed uint64) {
	c.mu.Lock()
	c.rng = rand.New(rand.NewPCG(seed, 1))
	c.mu.Unlock()
}

func (c *coin) answer(_ int, body map[string]any) llmtest.Reply {
	c.mu.Lock()
	k := c.rng.IntN(3)
	c.mu.Unlock()
	if msgs, _ := body["messages"].([]any); len(msgs) > 2 || k == 2 {
		return trader(0, map[string]any{"model": "test/holder"})
	}
	return trader(k, body)
}

// Repeat re-runs one entrant live N times while the others replay: each
// run is a child bundle that replays to its own hash, the others' results
// equal the parent's in every run, the repeated entrant's vary, and the
// summary describes its figures across the runs.
func TestRepeat(t *testing.T) {
	c := newCoin(7)
	srv := llmtest.NewServerBodyFunc(t, c.answer)
	parent, res, raw := recordShort(t, srv)
	c.reseed(7)
	b := readBundle(t, raw)
	apex := "trader/Apex"
	dir := t.TempDir()
	runs, err := Repeat(t.Context(), b, RepeatOptions{Entrant: apex, N: 3, Parallel: 1,
		Path: func(i int) string { return filepath.Join(dir, "run"+string(rune('0'+i))+".tar.zst") }})
	if err != nil {
		t.Fatal(err)
	}
	hashes := map[string]bool{}
	for _, r := range runs {
		hashes[r.Hash] = true
		for _, row := range r.Result.Leaderboard {
			if row.Entrant == apex {
				continue
			}
			i := slices.IndexFunc(res.Leaderboard, func(x Row) bool { return x.Entrant == row.Entrant })
			if res.Leaderboard[i].Equity != row.Equity {
				t.Errorf("run %d: %s replayed to %s, recorded %s", r.Run, row.Entrant, row.Equity, res.Leaderboard[i].Equity)
			}
		}
		child, err := ReadFile(r.Bundle)
		if err != nil {
			t.Fatal(err)
		}
		if p := child.Manifest.Parent; p == nil || p.ID != parent.Config.ID || p.ResultHash != res.Hash || !strings.HasPrefix(p.Swap, "repeat:"+apex) {
			t.Errorf("run %d names parent %+v", r.Run, p)
		}
		if got, err := Verify(t.Context(), child, 2); err != nil || got.Hash != r.Hash {
			t.Fatalf("run %d's bundle replays to %v (%v), want %s", r.Run, hashOf(got), err, r.Hash)
		}
	}
	if len(hashes) < 2 {
		t.Fatalf("three live runs of a random model gave %d distinct results", len(hashes))
	}
	sum := SummarizeRuns(runs, stats.Bootstrap{Resamples: 500, Seed: 1})
	ret := sum[0]
	if ret.Figure != "returnPct" || ret.N != 3 || ret.Mean < ret.Min || ret.Mean > ret.Max || ret.Min == ret.Max || !ret.Interval.OK {
		t.Fatalf("return across runs: %+v", ret)
	}
	var vals []float64
	for _, r := range runs {
		vals = append(vals, r.Figures.ReturnPct)
	}
	near := func(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 }
	if !near(ret.Mean, (vals[0]+vals[1]+vals[2])/3) {
		t.Errorf("mean %v of %v", ret.Mean, vals)
	}
}

// The subcommand writes the child bundles, prints the summary and exports
// one row per entrant and run.
func TestRepeatCommand(t *testing.T) {
	srv := llmtest.NewServerBodyFunc(t, newCoin(9).answer)
	_, res, raw := recordShort(t, srv)
	dir := t.TempDir()
	path := filepath.Join(dir, "short.tar.zst")
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err := Main(t.Context(), []string{"repeat", path, "--entrant", "trader/Guardian", "--n", "2", "--parallel", "2",
		"--export", filepath.Join(dir, "runs")}, &out, func(string) string { return "" })
	if err != nil {
		t.Fatalf("%v\n%s", err, &out)
	}
	for _, want := range []string{"trader/Guardian over 2 runs", "returnPct", "sharpe", "short-rep-trader_Guardian-1.tar.zst", "short-rep-trader_Guardian-2.tar.zst"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, &out)
		}
	}
	f, err := os.Open(filepath.Join(dir, "runs.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil || len(recs) != 1+2*len(res.Leaderboard) || recs[0][0] != "season" {
		t.Fatalf("csv: %v, %d records", err, len(recs))
	}
	if _, err := os.Stat(filepath.Join(dir, "runs.json")); err != nil {
		t.Fatal(err)
	}
	if err := Main(t.Context(), []string{"repeat", path, "--entrant", "nobody", "--n", "1"}, &out, nil); err == nil || !strings.Contains(err.Error(), "no entrant") {
		t.Errorf("unknown entrant: %v", err)
	}
}
