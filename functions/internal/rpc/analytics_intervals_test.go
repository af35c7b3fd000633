package rpc

import (
	"math"
	"testing"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/stats"
)

// With one block per draw every draw is a rotation of the period returns,
// whose compound return is the observed one: the return interval collapses
// onto the point figure (head growth included), the net one sits the LLM
// cost's share of the starting equity below it, and the drawdown interval
// spans the rotations' drawdowns, worked out by hand: returns +100 %, −50 %,
// −50 % give drawdowns 75 %, 75 % and 50 %.
func TestEntryIntervalsByHand(t *testing.T) {
	c := &curve{first: 1_000_000, closes: []int64{1_100_000, 2_200_000, 1_100_000, 550_000}} // 10 000 → 11 000 before the first period
	b := stats.Bootstrap{BlockLen: math.Inf(1), Resamples: 3000, Seed: 2}
	iv := entryIntervals(b, c, arena.FixedInt(100), time.Hour)
	want := 100 * (5_500.0/10_000 - 1) // −45 %
	if iv.PnlPercent.Lo != want || iv.PnlPercent.Hi != want {
		t.Errorf("return %+v, want [%v, %v]", *iv.PnlPercent, want, want)
	}
	if net := want - 1; iv.PnlNetPercent.Lo != net || iv.PnlNetPercent.Hi != net { // $100 of $10 000 is 1 point
		t.Errorf("net return %+v, want %v", *iv.PnlNetPercent, net)
	}
	if iv.MaxDrawdown.Lo != 50 || iv.MaxDrawdown.Hi != 75 {
		t.Errorf("drawdown %+v, want [50, 75]", *iv.MaxDrawdown)
	}
	if entryIntervals(b, &curve{first: 100, closes: []int64{100, 110}}, 0, time.Hour) != nil {
		t.Error("one return period has an interval")
	}
}

// Ranking: mature entrants first; by the estimate or by the pessimistic
// end of the interval (the upper end for drawdown); entries without an
// interval last when ranking by bounds.
func TestRankEntries(t *testing.T) {
	iv := func(lo, hi float64) *Interval { return &Interval{Lo: lo, Hi: hi} }
	entries := func() []LeaderboardEntry {
		return []LeaderboardEntry{
			{ModelID: "wide", PnlPercent: 9, MaxDrawdown: 2, Intervals: &EntryIntervals{PnlPercent: iv(-20, 30), MaxDrawdown: iv(1, 40)}},
			{ModelID: "narrow", PnlPercent: 5, MaxDrawdown: 3, Intervals: &EntryIntervals{PnlPercent: iv(2, 8), MaxDrawdown: iv(2, 5)}},
			{ModelID: "young", PnlPercent: 50, Immature: true, Intervals: &EntryIntervals{PnlPercent: iv(40, 60), MaxDrawdown: iv(0, 1)}},
			{ModelID: "flat", PnlPercent: 0},
		}
	}
	for _, tc := range []struct {
		by    string
		lower bool
		want  []string
	}{
		{"pnlPercent", false, []string{"wide", "narrow", "flat", "young"}},
		{"pnlPercent", true, []string{"narrow", "wide", "flat", "young"}},
		{"maxDrawdown", false, []string{"flat", "wide", "narrow", "young"}},
		{"maxDrawdown", true, []string{"narrow", "wide", "flat", "young"}},
		{"sharpe", false, []string{"flat", "narrow", "wide", "young"}}, // all undefined: by name
	} {
		es := entries()
		rankEntries(es, tc.by, tc.lower)
		for i, id := range tc.want {
			if es[i].ModelID != id || es[i].Rank != i+1 {
				t.Errorf("%s lower=%v: #%d is %s, want %s", tc.by, tc.lower, i+1, es[i].ModelID, id)
			}
		}
	}
}
