package rpc_test

import (
	"encoding/json"
	"testing"

	"github.com/autonome-go/autonome/functions/internal/rpc"
	"github.com/autonome-go/autonome/functions/internal/rpc/rpctest"
	"github.com/autonome-go/autonome/shared/stats"
)

func leaderboard(t *testing.T, env *rpctest.Env, o rpc.Options, body string) (rpc.LeaderboardOutput, []byte) {
	t.Helper()
	resp, b := do(t, rpc.NewHandler(env.Deps, o), "POST", "/api/rpc/analytics/getLeaderboard", body, nil)
	var out struct {
		JSON rpc.LeaderboardOutput `json:"json"`
	}
	if err := json.Unmarshal(b, &out); err != nil || resp.StatusCode != 200 {
		t.Fatalf("%d %s (%v)", resp.StatusCode, b, err)
	}
	return out.JSON, b
}

// A seeded run gives the same intervals twice (two handlers, as two Lambda
// environments would be); another STATS_SEED moves the intervals but not
// the figures; the minimum record and the block length come from the
// options and are reported with the answer.
func TestLeaderboardIntervalsSeeded(t *testing.T) {
	env := rpctest.Seed(t)
	o := env.Options()
	_, first := leaderboard(t, env, o, `{"json":{"window":"30d"}}`)
	out, again := leaderboard(t, env, o, `{"json":{"window":"30d"}}`)
	if string(first) != string(again) {
		t.Fatalf("the same seed gave different answers:\n%s\n%s", first, again)
	}
	o.Bootstrap.Seed = 99
	other, _ := leaderboard(t, env, o, `{"json":{"window":"30d"}}`)
	moved := false
	for i, e := range out.Entries {
		f := other.Entries[i]
		if e.ModelID != f.ModelID || e.PnlPercent != f.PnlPercent || e.Sharpe != nil && *e.Sharpe != *f.Sharpe {
			t.Fatalf("another seed changed a figure: %+v vs %+v", e, f)
		}
		if e.Intervals == nil || f.Intervals == nil {
			t.Fatalf("%s has no interval over 30 days", e.ModelID)
		}
		moved = moved || *e.Intervals.PnlPercent != *f.Intervals.PnlPercent
		if iv := e.Intervals.PnlPercent; iv.Lo > iv.Hi || e.Intervals.MaxDrawdown.Lo < 0 {
			t.Errorf("%s: implausible intervals %+v", e.ModelID, *e.Intervals)
		}
	}
	if !moved {
		t.Error("another seed gave identical intervals")
	}
	if m := other.Intervals; m.Seed != 99 || m.BlockLength != rpc.DefaultBootstrap.BlockLen || m.Period != "1d" || m.MinTrades != rpctest.MinRecord.Trades {
		t.Errorf("method %+v", m)
	}

	o.MinRecord = stats.MinRecord{}
	for _, e := range must(leaderboard(t, env, o, `{"json":{}}`)).Entries {
		if e.Immature {
			t.Errorf("%s immature without a minimum record", e.ModelID)
		}
	}
	o.MinRecord = stats.MinRecord{Trades: 1, Days: 8}
	for _, e := range must(leaderboard(t, env, o, `{"json":{}}`)).Entries {
		if !e.Immature || e.RecordDays != 7 {
			t.Errorf("%s: immature %v with %v days of a 7-day window", e.ModelID, e.Immature, e.RecordDays)
		}
	}
}

func must(out rpc.LeaderboardOutput, _ []byte) rpc.LeaderboardOutput { return out }
