package agent

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/prompt"
)

func model(id, name string, v arena.Variant, kind arena.ModelKind) arena.AgentModel {
	return arena.AgentModel{Model: arena.Model{ID: id, Name: name, Variant: v, Kind: kind, Active: true}}
}

func TestStandingsPerVariant(t *testing.T) {
	k := arena.FixedInt
	models := []arena.AgentModel{
		model("a", "alpha", arena.Apex, arena.KindLLM),
		model("b", "beta", arena.Apex, arena.KindLLM),
		model("g", "gamma", arena.Guardian, arena.KindLLM),
		model("h", "buy-and-hold-btc", arena.Guardian, arena.KindBaseline),
		model("x", "inactive", arena.Apex, arena.KindLLM),
	}
	models[4].Active = false
	btc := arena.PositionSnapshot{Position: arena.Position{Symbol: "BTC", Side: arena.Long, Quantity: arena.MustFixed("0.1"), Leverage: k(1)}}
	snaps := []arena.AccountSnapshot{
		{AccountID: "a", Capital: k(10_000), Equity: k(10_500)},
		{AccountID: "b", Capital: k(10_000), Equity: k(9_000)},
		{AccountID: "g", Capital: k(10_000), Equity: k(10_100)},
		{AccountID: "h", Capital: k(10_000), Equity: k(11_000), Positions: []arena.PositionSnapshot{btc}},
		{AccountID: "x", Capital: k(10_000), Equity: k(20_000)},
	}
	// b's window starts at 8 000: it is up 12.5% over the window.
	st := rankStandings(models, snaps, map[string]arena.Fixed{"b": k(8_000)})

	apex := st[arena.Apex]
	var names []string
	for _, s := range apex {
		names = append(names, s.name)
	}
	if diff := cmp.Diff([]string{"beta", "buy-and-hold-btc", "alpha"}, names); diff != "" {
		t.Fatalf("Apex standings (-want +got):\n%s", diff)
	}
	c := competition(apex, arena.Apex, "a")
	want := prompt.Competition{Variant: arena.Apex,
		Standings:   []prompt.Standing{{Rank: 1, Name: "beta", PnLPct: 12.5}, {Rank: 2, Name: "buy-and-hold-btc", PnLPct: 10}, {Rank: 3, Name: "alpha", PnLPct: 5, Self: true}},
		LeaderGapPP: 7.5, LeaderPositions: []prompt.CompetitorPosition{{Name: "buy-and-hold-btc", Symbol: "BTC", Side: arena.Long, Leverage: k(1)}}}
	if diff := cmp.Diff(want, c, cmp.Comparer(func(x, y float64) bool { return math.Abs(x-y) < 1e-9 })); diff != "" {
		t.Fatalf("competition (-want +got):\n%s", diff)
	}
	if g := competition(st[arena.Guardian], arena.Guardian, "h"); g.LeaderGapPP != 0 || !g.Standings[0].Self || len(g.LeaderPositions) != 0 {
		t.Fatalf("leader's view %+v", g)
	}
	if len(st[arena.Sniper]) != 1 || st[arena.Sniper][0].name != "buy-and-hold-btc" {
		t.Fatalf("a variant without models still shows the baselines: %+v", st[arena.Sniper])
	}
}

func TestTopStandingsKeepSelf(t *testing.T) {
	var rows []standing
	for i := range 8 {
		rows = append(rows, standing{id: string(rune('a' + i)), name: string(rune('a' + i)), pnlPct: float64(10 - i)})
	}
	c := competition(rows, arena.Apex, "h")
	if len(c.Standings) != 6 || c.Standings[5].Rank != 8 || !c.Standings[5].Self || c.LeaderGapPP != 7 {
		t.Fatalf("%+v", c)
	}
}

func TestSharpe(t *testing.T) {
	flat := make([]float64, 40)
	for i := range flat {
		flat[i] = 10_000
	}
	if _, ok := sharpe(flat); ok {
		t.Fatal("a flat series has no Sharpe ratio")
	}
	if _, ok := sharpe(flat[:20]); ok {
		t.Fatal("fewer than 30 returns have no Sharpe ratio")
	}
	// Alternating +1% / -0.5%: positive mean, known variance.
	v := []float64{10_000}
	for i := range 60 {
		r := 0.01
		if i%2 == 1 {
			r = -0.005
		}
		v = append(v, v[len(v)-1]*(1+r))
	}
	got, ok := sharpe(v)
	mean, sd := 0.0025, 0.0075*math.Sqrt(60.0/59)
	want := mean * periodsPerYear / (sd * math.Sqrt(periodsPerYear)) // risk-free rate 0
	if !ok || math.Abs(got-want) > 1e-6 {
		t.Fatalf("sharpe %v (%v), want %v", got, ok, want)
	}
	p := performance(arena.AccountSnapshot{Capital: arena.FixedInt(10_000), Equity: arena.FixedInt(10_250)}, nil)
	if p.TotalReturnPct != 2.5 || p.SharpeKnown {
		t.Fatalf("performance %+v", p)
	}
}
