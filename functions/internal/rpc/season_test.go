package rpc_test

import (
	"context"
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/autonome-go/autonome/functions/internal/rpc"
	"github.com/autonome-go/autonome/functions/internal/rpc/rpctest"
	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/postgres"
)

// storeSeason imports a season of two entrants over 12 hours of 5-minute
// equity: alpha drifting by drift per period, beta flat with noise; a
// repeat is a child (parent, swap "repeat:alpha/Apex#i").
func storeSeason(t *testing.T, env *rpctest.Env, id string, parent string, swap string, drift float64) {
	t.Helper()
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	im := postgres.SeasonImport{Season: arena.SeasonRecord{ID: id, ParentID: parent, Swap: swap, Start: start, End: start.Add(12 * time.Hour),
		Entrants: 2, ResultHash: "hash-" + id, BundleSHA256: "sum-" + id, Manifest: json.RawMessage(`{}`), Config: json.RawMessage(`{}`),
		Leaderboard: json.RawMessage(`[]`)}}
	for i, name := range []string{"alpha", "beta"} {
		eq := 10_000.0
		for k := 0; k <= 144; k++ {
			at := start.Add(time.Duration(k) * 5 * time.Minute)
			im.Equity = append(im.Equity, arena.SeasonEquity{EntrantID: name + "/Apex", At: at, Equity: cents(t, eq)})
			if name == "alpha" {
				eq *= 1 + drift + 0.002*math.Sin(float64(k))
			} else {
				eq *= 1 + 0.002*math.Cos(float64(k)*1.3)
			}
		}
		final := im.Equity[len(im.Equity)-1].Equity
		im.Entrants = append(im.Entrants, arena.SeasonEntrant{EntrantID: name + "/Apex", Position: i, Rank: i + 1, Name: name,
			Variant: "Apex", Kind: arena.KindLLM, Model: "test/" + name, Provider: "openai", Capital: arena.FixedInt(10_000), Equity: final,
			ReturnPct: (final - arena.FixedInt(10_000)).MulInt(100).Div(arena.FixedInt(10_000)), Fills: 12, Decisions: 144})
	}
	if _, err := postgres.ImportSeason(context.Background(), env.Pool, im); err != nil {
		t.Fatal(err)
	}
}

func cents(t *testing.T, v float64) arena.Fixed {
	f, err := arena.FixedFromFloat(math.Round(v*100) / 100)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// A stored season: A against B over its whole run, with A's distribution
// over the season's repeats; its leaderboard with intervals and repeats;
// the export lists every entrant of the season and of each repeat; an
// entrant or season that does not exist is NOT_FOUND.
func TestStoredSeasonComparisonAndExport(t *testing.T) {
	env := rpctest.Seed(t)
	storeSeason(t, env, "s-1", "", "", 0.0008)
	storeSeason(t, env, "s-1-rep-1", "s-1", "repeat:alpha/Apex#1", 0.0002)
	storeSeason(t, env, "s-1-rep-2", "s-1", "repeat:alpha/Apex#2", 0.0012)
	h := rpc.NewHandler(env.Deps, env.Options())

	resp, body := do(t, h, "POST", "/api/rpc/analytics/getComparison", `{"json":{"seasonId":"s-1","a":"alpha/Apex","b":"beta/Apex"}}`, nil)
	var out struct {
		JSON rpc.ComparisonOutput `json:"json"`
	}
	if err := json.Unmarshal(body, &out); err != nil || resp.StatusCode != 200 {
		t.Fatalf("%d %s (%v)", resp.StatusCode, body, err)
	}
	c := out.JSON
	if c.Periods != 144 || c.PBeats == nil || *c.PBeats < 0.9 || len(c.A.Equity) != 145 || c.A.ModelName != "alpha" || c.Window != "season" {
		t.Fatalf("comparison %+v", c)
	}
	if c.Repeats == nil || c.Repeats.B != nil || c.Repeats.A == nil || len(c.Repeats.A.Runs) != 2 ||
		c.Repeats.A.Runs[0] >= c.Repeats.A.Runs[1] || c.Repeats.A.Interval == nil {
		t.Fatalf("repeats %+v", c.Repeats)
	}
	if c.Repeats.A.Mean != math.Round((c.Repeats.A.Runs[0]+c.Repeats.A.Runs[1])/2*1e4)/1e4 {
		t.Errorf("mean %v of %v", c.Repeats.A.Mean, c.Repeats.A.Runs)
	}
	if resp, body := do(t, h, "POST", "/api/rpc/analytics/getComparison", `{"json":{"seasonId":"s-1","a":"alpha/Apex","b":"gamma/Apex"}}`, nil); resp.StatusCode != 404 {
		t.Errorf("unknown entrant: %d %s", resp.StatusCode, body)
	}

	// The season's leaderboard: intervals from its equity, alpha's repeats.
	lb, _ := leaderboard(t, env, env.Options(), `{"json":{"seasonId":"s-1","sortBy":"sharpe"}}`)
	if len(lb.Entries) != 2 || lb.Window != "season" || lb.Intervals.Period != "5m" || lb.Entries[0].ModelID != "alpha/Apex" {
		t.Fatalf("season leaderboard %+v", lb)
	}
	for _, e := range lb.Entries {
		if e.Intervals == nil || e.Intervals.Sharpe == nil || e.Sharpe == nil || e.Immature != (e.RecordDays < 1) {
			t.Errorf("%s: %+v", e.ModelID, e)
		}
		if (e.Repeats != nil) != (e.ModelID == "alpha/Apex") || e.Repeats != nil && len(e.Repeats.Runs) != 2 {
			t.Errorf("%s repeats %+v", e.ModelID, e.Repeats)
		}
	}
	if resp, body := do(t, h, "POST", "/api/rpc/analytics/getLeaderboard", `{"json":{"seasonId":"s-404"}}`, nil); resp.StatusCode != 404 {
		t.Errorf("unknown season: %d %s", resp.StatusCode, body)
	}

	resp, body = do(t, h, "GET", "/api/export/results.json?seasonId=s-1", "", nil)
	var res rpc.Results
	if err := json.Unmarshal(body, &res); err != nil || resp.StatusCode != 200 || len(res.Rows) != 6 {
		t.Fatalf("%d %s (%v)", resp.StatusCode, body, err)
	}
	runs := map[string]int{}
	for _, r := range res.Rows {
		runs[r.Run]++
		if r.PnlPercentLo == nil || r.SharpeLo == nil || r.RecordDays != 0.5 {
			t.Errorf("row %+v lacks its intervals or record", r)
		}
	}
	if runs["s-1"] != 2 || runs["s-1-rep-1"] != 2 || runs["s-1-rep-2"] != 2 {
		t.Errorf("runs %v", runs)
	}
}
