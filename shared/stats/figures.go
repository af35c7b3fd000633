package stats

import (
	"math"
	"sort"
)

// Figures are the per-series figures the leaderboard shows, from per-period
// returns (formulas in the package doc; Return is Compound).
type Figures struct {
	Return, Sharpe, Sortino, MaxDrawdown float64
	SharpeOK, SortinoOK                  bool
}

// FigureRanges are the 95% intervals of Figures.
type FigureRanges struct {
	Return, Sharpe, Sortino, MaxDrawdown Range
}

// acc accumulates Figures over returns in one pass.
type acc struct {
	n, sum, sumsq, down, g, peak, dd float64
	inv                              float64 // 1/peak, divided once per new peak
}

func newAcc() acc { return acc{g: 1, peak: 1, inv: 1} }

func (a *acc) add(r float64) {
	a.n++
	a.sum += r
	a.sumsq += r * r
	if r < 0 {
		a.down += r * r
	}
	a.g *= 1 + r
	if a.g > a.peak {
		a.peak, a.inv = a.g, 1/a.g
	} else if a.peak > 0 {
		a.dd = max(a.dd, 1-a.g*a.inv)
	}
}

// figures finishes the pass. The variance is (Σr² − n·mean²)/(n−1), equal
// to the two-pass formula up to rounding.
func (a *acc) figures(periodsPerYear float64) Figures {
	f := Figures{Return: a.g - 1, MaxDrawdown: a.dd}
	if a.n < 2 {
		return f
	}
	m, ann := a.sum/a.n, math.Sqrt(periodsPerYear)
	if v := (a.sumsq - a.n*m*m) / (a.n - 1); v > 0 {
		f.Sharpe, f.SharpeOK = m/math.Sqrt(v)*ann, true
	}
	if a.down > 0 {
		f.Sortino, f.SortinoOK = m/math.Sqrt(a.down/a.n)*ann, true
	}
	return f
}

// Measure computes Figures in one pass.
func Measure(rs []float64, periodsPerYear float64) Figures {
	a := newAcc()
	for _, r := range rs {
		a.add(r)
	}
	return a.figures(periodsPerYear)
}

// FigureIntervals is Intervals of the four Figures, computed in one pass
// over each draw without copying it: what the leaderboard runs per entrant.
func (b Bootstrap) FigureIntervals(rs []float64, periodsPerYear float64) FigureRanges {
	n := len(rs)
	if n == 0 || b.Resamples <= 0 {
		return FigureRanges{}
	}
	var ret, sh, so, dd []float64
	ret, dd = make([]float64, 0, b.Resamples), make([]float64, 0, b.Resamples)
	d := b.drawer(n, 0x5eed)
	for range b.Resamples {
		a := newAcc()
		for _, j := range d.next() {
			a.add(rs[j])
		}
		f := a.figures(periodsPerYear)
		ret, dd = append(ret, f.Return), append(dd, f.MaxDrawdown)
		if f.SharpeOK {
			sh = append(sh, f.Sharpe)
		}
		if f.SortinoOK {
			so = append(so, f.Sortino)
		}
	}
	return FigureRanges{Return: percentiles(ret), Sharpe: percentiles(sh), Sortino: percentiles(so), MaxDrawdown: percentiles(dd)}
}

// percentiles is the 95% interval of draws (sorted in place).
func percentiles(v []float64) Range {
	if len(v) == 0 {
		return Range{}
	}
	sort.Float64s(v)
	return Range{Lo: Quantile(v, 0.025), Hi: Quantile(v, 0.975), OK: true}
}
