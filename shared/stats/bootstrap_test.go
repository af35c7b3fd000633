package stats

import (
	"math"
	"testing"
)

// With an infinite mean block length every draw is one rotation of the
// series, so the interval's ends are the extreme rotations, found by hand:
// returns +100 %, −50 %, −50 % give the paths 1→2→1→0.5 (drawdown 0.75),
// 1→0.5→0.25→0.5 (0.75) and 1→0.5→1→0.5 (0.5); the compound return is
// the same for every rotation (−50 %).
func TestIntervalsRotations(t *testing.T) {
	rs := []float64{1, -0.5, -0.5}
	b := Bootstrap{BlockLen: math.Inf(1), Resamples: 3000, Seed: 3}
	got := b.Intervals(rs, DrawdownOfReturns, Compound)
	near(t, "drawdown lo", got[0].Lo, 0.5)
	near(t, "drawdown hi", got[0].Hi, 0.75)
	near(t, "compound lo", got[1].Lo, -0.5)
	near(t, "compound hi", got[1].Hi, -0.5)
}

// With block length 1 periods are drawn independently: the mean of two
// draws from {0, 1} is 0, ½ or 1 with probabilities ¼, ½, ¼, so the 2.5th
// and 97.5th percentiles of many draws are 0 and 1.
func TestIntervalsIndependent(t *testing.T) {
	b := Bootstrap{BlockLen: 1, Resamples: 4000, Seed: 9}
	r := b.Intervals([]float64{0, 1}, func(x []float64) (float64, bool) { return mean(x), true })[0]
	if !r.OK || r.Lo != 0 || r.Hi != 1 {
		t.Fatalf("interval %+v, want [0, 1]", r)
	}
	if r := b.Intervals(nil, Compound)[0]; r.OK {
		t.Fatalf("interval of no returns %+v", r)
	}
	if r := b.Intervals([]float64{0.1, 0.1}, func(x []float64) (float64, bool) { return Sharpe(x, 1) })[0]; r.OK {
		t.Fatalf("interval of a statistic undefined on every draw %+v", r)
	}
}

// Several statistics on the same draws give what each gives alone, and a
// seeded run gives the same intervals twice.
func TestIntervalsSeededSameDraws(t *testing.T) {
	rs := make([]float64, 120)
	for i := range rs {
		rs[i] = 0.01*math.Sin(float64(i)*0.9) + 0.0005
	}
	b := Bootstrap{BlockLen: 6, Resamples: 800, Seed: 42}
	sh := func(x []float64) (float64, bool) { return Sharpe(x, 8760) }
	so := func(x []float64) (float64, bool) { return Sortino(x, 8760) }
	all := b.Intervals(rs, Compound, sh, so, DrawdownOfReturns)
	again := b.Intervals(rs, Compound, sh, so, DrawdownOfReturns)
	for k := range all {
		if all[k] != again[k] || !all[k].OK {
			t.Fatalf("statistic %d: %+v then %+v", k, all[k], again[k])
		}
	}
	if lo, hi, _ := b.Interval(rs, sh); lo != all[1].Lo || hi != all[1].Hi {
		t.Fatalf("alone [%v,%v], together %+v", lo, hi, all[1])
	}
	if all[0].Lo >= all[0].Hi || all[3].Lo < 0 {
		t.Fatalf("implausible intervals %+v", all)
	}
}

func TestDrawdownOfReturns(t *testing.T) {
	dd, ok := DrawdownOfReturns([]float64{0.1, -0.1, 0.1}) // 1, 1.1, 0.99, 1.089
	near(t, "dd", dd, 0.1)
	near(t, "same as MaxDrawdown", dd, MaxDrawdown([]float64{100, 110, 99, 108.9}))
	if _, ok2 := DrawdownOfReturns(nil); !ok || ok2 {
		t.Fatal("ok flags wrong")
	}
}

// Across repeats: mean 2, sample sd sqrt(((−1)²+0+1²)/2) = 1, range [1, 3];
// one repeat has no spread; the interval of the mean lies inside the range.
func TestSummarize(t *testing.T) {
	b := Bootstrap{Resamples: 2000, Seed: 5}
	s := b.Summarize([]float64{1, 2, 3})
	near(t, "mean", s.Mean, 2)
	near(t, "sd", s.SD, 1)
	if s.N != 3 || s.Min != 1 || s.Max != 3 {
		t.Fatalf("summary %+v", s)
	}
	if !s.Interval.OK || s.Interval.Lo < 1 || s.Interval.Hi > 3 || s.Interval.Lo >= 2 || s.Interval.Hi <= 2 {
		t.Fatalf("interval of the mean %+v", s.Interval)
	}
	if s2 := b.Summarize([]float64{1, 2, 3}); s2 != s {
		t.Fatalf("seeded summary differs: %+v %+v", s, s2)
	}
	one := b.Summarize([]float64{0.5})
	if one.SD != 0 || one.Interval.Lo != 0.5 || one.Interval.Hi != 0.5 {
		t.Fatalf("one repeat %+v", one)
	}
	if (b.Summarize(nil) != Summary{}) {
		t.Fatal("summary of nothing")
	}
}

// On one rotation per draw the paired bootstrap compares whole-series
// totals: A (+100 %, −40 %: total +20 %) beats B (+10 % twice: +21 %)?
// No: B's total is higher in every draw although A wins the first period.
func TestPBeatsRotations(t *testing.T) {
	b := Bootstrap{BlockLen: math.Inf(1), Resamples: 200, Seed: 1}
	p, sig, ok := b.PBeats([]float64{1, -0.4}, []float64{0.1, 0.1})
	if !ok || p != 0 || !sig {
		t.Fatalf("P = %v sig %v ok %v, want 0 true true", p, sig, ok)
	}
}
