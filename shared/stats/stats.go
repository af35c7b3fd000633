// Package stats computes an entrant's performance figures from its equity
// series, in float64 only.
//
// Formulas (r_i are per-period simple returns, n their count):
//
//	r_i          = E_i / E_{i-1} - 1, for consecutive equity values E (a
//	               non-positive E_{i-1} ends the series: no return is defined)
//	Return       = E_last / E_first - 1
//	NetReturn    = (E_last - cost) / E_first - 1, cost the LLM spend in the
//	               same unit as E
//	mean         = Σ r_i / n
//	sd           = sqrt(Σ (r_i - mean)² / (n-1))       (sample, n ≥ 2)
//	Sharpe       = mean / sd · sqrt(periodsPerYear)    (risk-free rate 0)
//	downside     = sqrt(Σ min(r_i, 0)² / n)
//	Sortino      = mean / downside · sqrt(periodsPerYear)
//	MaxDrawdown  = max over i of (1 - E_i / max_{j≤i} E_j), in [0, 1]
//
// Sharpe and Sortino report ok=false when undefined (fewer than two returns,
// or a zero denominator). The risk-free rate is 0 by convention: the arena's
// capital is paper money earning nothing, so excess return equals return.
//
// Interval draws a stationary bootstrap (Politis & Romano 1994): blocks start
// at a uniform index and have geometric length with mean BlockLen, wrapping
// around the series, so serial correlation within a block survives
// resampling. The 95% interval is the 2.5th and 97.5th percentile of the
// statistic over Resamples draws, with a seeded generator so the same input
// and seed give the same interval. Intervals computes several statistics on
// the same draws. Figures that depend on the path (total return, drawdown)
// are recomputed on each resampled path: Compound = Π(1+r_i) − 1 and
// DrawdownOfReturns = MaxDrawdown of 1, Π(1+r_1), ….
//
// Across repeats (the same entrant run N times on one tape), Summarize gives
// the mean, the sample standard deviation (the spread), the range and a 95%
// interval of the mean from an ordinary (block length 1) bootstrap of the
// repeats, which are independent of each other.
package stats

import "math"

// Returns gives the per-period simple returns of an equity series.
func Returns(equity []float64) []float64 {
	var rs []float64
	for i := 1; i < len(equity); i++ {
		if equity[i-1] <= 0 {
			break
		}
		rs = append(rs, equity[i]/equity[i-1]-1)
	}
	return rs
}

// Return is the total simple return of an equity series.
func Return(equity []float64) (float64, bool) {
	return NetReturn(equity, 0)
}

// NetReturn is the total return after subtracting cost from the final equity.
func NetReturn(equity []float64, cost float64) (float64, bool) {
	if len(equity) < 2 || equity[0] <= 0 {
		return 0, false
	}
	return (equity[len(equity)-1]-cost)/equity[0] - 1, true
}

// Mean is the arithmetic mean of rs.
func Mean(rs []float64) float64 { return mean(rs) }

func mean(rs []float64) float64 {
	var s float64
	for _, r := range rs {
		s += r
	}
	return s / float64(len(rs))
}

// Sharpe is the annualised Sharpe ratio of per-period returns (risk-free 0).
func Sharpe(rs []float64, periodsPerYear float64) (float64, bool) {
	if len(rs) < 2 {
		return 0, false
	}
	m := mean(rs)
	var ss float64
	for _, r := range rs {
		ss += (r - m) * (r - m)
	}
	sd := math.Sqrt(ss / float64(len(rs)-1))
	if sd == 0 {
		return 0, false
	}
	return m / sd * math.Sqrt(periodsPerYear), true
}

// Sortino is the annualised Sortino ratio of per-period returns (target 0).
func Sortino(rs []float64, periodsPerYear float64) (float64, bool) {
	if len(rs) < 2 {
		return 0, false
	}
	var ss float64
	for _, r := range rs {
		if r < 0 {
			ss += r * r
		}
	}
	d := math.Sqrt(ss / float64(len(rs)))
	if d == 0 {
		return 0, false
	}
	return mean(rs) / d * math.Sqrt(periodsPerYear), true
}

// MaxDrawdown is the largest peak-to-trough fall of an equity series.
func MaxDrawdown(equity []float64) float64 {
	var peak, dd float64
	for _, e := range equity {
		peak = max(peak, e)
		if peak > 0 {
			dd = max(dd, 1-e/peak)
		}
	}
	return dd
}

// Quantile is the q-quantile of sorted values, linearly interpolated between
// order statistics (position q·(n-1)).
func Quantile(sorted []float64, q float64) float64 {
	pos := q * float64(len(sorted)-1)
	i := int(pos)
	if i+1 >= len(sorted) {
		return sorted[len(sorted)-1]
	}
	f := pos - float64(i)
	return sorted[i]*(1-f) + sorted[i+1]*f
}
