package rpc_test

import (
	"encoding/json"
	"testing"

	"github.com/autonome-go/autonome/functions/internal/rpc"
	"github.com/autonome-go/autonome/functions/internal/rpc/rpctest"
	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/postgres"
)

// An imported season's leaderboard and export come from its own tables:
// each entrant ends at its last stored equity, and
// the live arena's accounts never appear in it.
func TestSeasonLeaderboardFromSeasonTables(t *testing.T) {
	env := rpctest.Seed(t)
	h := rpc.NewHandler(env.Deps, env.Options())
	lb, _ := leaderboard(t, env, env.Options(), `{"json":{"seasonId":"s-2025-01-ab"}}`)
	eq, err := postgres.NewReader(env.Pool).SeasonEquity(t.Context(), rpctest.SeasonAB, nil)
	if err != nil {
		t.Fatal(err)
	}
	first, last := map[string]arena.SeasonEquity{}, map[string]arena.SeasonEquity{}
	for _, p := range eq {
		if _, ok := first[p.EntrantID]; !ok {
			first[p.EntrantID] = p
		}
		last[p.EntrantID] = p
	}
	if len(lb.Entries) != 2 || lb.Window != "season" {
		t.Fatalf("entries %+v", lb)
	}
	for _, e := range lb.Entries {
		if e.EndValue != last[e.ModelID].Equity || first[e.ModelID].Equity == 0 {
			t.Errorf("%s: start %s end %s, stored %s and %s", e.ModelID, e.StartValue, e.EndValue, first[e.ModelID].Equity, last[e.ModelID].Equity)
		}
	}
	if lb.Entries[0].ModelID != rpctest.SeasonBase {
		t.Errorf("the A/B season ranks %s first; its swapped trader lost", lb.Entries[0].ModelID)
	}
	resp, body := do(t, h, "GET", "/api/export/results.json?seasonId="+rpctest.Season, "", nil)
	var res rpc.Results
	if err := json.Unmarshal(body, &res); err != nil || resp.StatusCode != 200 || len(res.Rows) != 2 || res.Rows[0].Run != rpctest.Season {
		t.Fatalf("export: %d %s (%v)", resp.StatusCode, body, err)
	}
}
