package rpc

import (
	"math"
	"testing"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

func TestSharpeAndSortino(t *testing.T) {
	rs := []float64{0.01, -0.02, 0.03, 0.0, 0.015}
	// mean 0.007; Σ(r−m)² = 0.00138, sample sd sqrt(0.00138/4)
	mean, sd := 0.007, math.Sqrt(0.00138/4)
	if got, want := *sharpe(rs, 365), roundTo(mean/sd*math.Sqrt(365), 4); got != want {
		t.Errorf("sharpe %v, want %v", got, want)
	}
	down := math.Sqrt(0.02 * 0.02 / 5)
	if got, want := *sortino(rs, 365), roundTo(mean/down*math.Sqrt(365), 4); got != want {
		t.Errorf("sortino %v, want %v", got, want)
	}
	for name, rs := range map[string][]float64{"one return": {0.1}, "flat": {0.01, 0.01, 0.01}} {
		if sharpe(rs, 365) != nil {
			t.Errorf("%s: sharpe defined", name)
		}
	}
	if sortino([]float64{0.01, 0.02}, 365) != nil {
		t.Error("sortino defined without a losing period")
	}
	if got := returns([]int64{1000, 1100, 0, 500}); len(got) != 2 || math.Abs(got[0]-0.1) > 1e-15 || got[1] != -1 {
		t.Errorf("returns %v", got) // a zero close opens no return
	}
}

// curves combines spans exactly like a scan of the points would, and takes
// period closes from the coarsest spans after the head.
func TestCurves(t *testing.T) {
	at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	span := func(w time.Duration, start time.Duration, first, last, hi, lo int64, dd float64) arena.EquitySpan {
		return arena.EquitySpan{ModelID: "m", Width: w, Start: at.Add(start), First: first, Last: last, High: hi, Low: lo, Drawdown: dd, Points: 2}
	}
	spans := []arena.EquitySpan{
		span(0, 0, 1000, 1000, 1000, 1000, 0),                           // a snapshot
		span(time.Hour, time.Hour, 1010, 1200, 1200, 990, 0.05),         // peak 1200 inside
		span(4*time.Hour, 4*time.Hour, 1100, 900, 1150, 900, 0.2173913), // falls to 900 from 1200 before it: 25 %
		span(4*time.Hour, 8*time.Hour, 950, 1300, 1300, 940, 0.01),      // recovers
	}
	c := curves(spans, 4*time.Hour)["m"]
	if c.first != 1000 || c.last != 1300 || c.points != 8 {
		t.Fatalf("first %d last %d points %d", c.first, c.last, c.points)
	}
	if math.Abs(c.drawdown-0.25) > 1e-12 {
		t.Errorf("drawdown %v, want 0.25", c.drawdown)
	}
	if want := []int64{1200, 900, 1300}; len(c.closes) != 3 || c.closes[0] != want[0] || c.closes[1] != want[1] || c.closes[2] != want[2] {
		t.Errorf("closes %v, want %v", c.closes, want)
	}
}
