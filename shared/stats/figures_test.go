package stats

import (
	"math"
	"testing"
)

// Measure agrees with the separate formulas, and FigureIntervals with
// Intervals of them on the same draws.
func TestMeasureAndFigureIntervals(t *testing.T) {
	rs := make([]float64, 200)
	for i := range rs {
		rs[i] = 0.01*math.Sin(float64(i)*1.3) + 0.0004
	}
	f := Measure(rs, 8760)
	ret, _ := Compound(rs)
	sh, _ := Sharpe(rs, 8760)
	so, _ := Sortino(rs, 8760)
	dd, _ := DrawdownOfReturns(rs)
	near(t, "return", f.Return, ret)
	near(t, "sharpe", f.Sharpe, sh)
	near(t, "sortino", f.Sortino, so)
	near(t, "drawdown", f.MaxDrawdown, dd)
	if !f.SharpeOK || !f.SortinoOK {
		t.Fatal("figures undefined")
	}
	b := Bootstrap{BlockLen: 12, Resamples: 500, Seed: 11}
	fr := b.FigureIntervals(rs, 8760)
	want := b.Intervals(rs, Compound, func(x []float64) (float64, bool) { return Sharpe(x, 8760) },
		func(x []float64) (float64, bool) { return Sortino(x, 8760) }, DrawdownOfReturns)
	for k, got := range []Range{fr.Return, fr.Sharpe, fr.Sortino, fr.MaxDrawdown} {
		if !got.OK || math.Abs(got.Lo-want[k].Lo) > 1e-9 || math.Abs(got.Hi-want[k].Hi) > 1e-9 {
			t.Errorf("figure %d: %+v, want %+v", k, got, want[k])
		}
	}
	if g := Measure([]float64{0.1, 0.1}, 1); g.SharpeOK || g.SortinoOK {
		t.Errorf("constant gains: %+v", g)
	}
}
