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
// and seed give the same interval.
package stats

import (
	"math"
	"math/rand/v2"
	"sort"
)

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

// Bootstrap configures Interval.
type Bootstrap struct {
	BlockLen  float64 // mean block length in periods (e.g. 12 for hourly blocks of 5-minute returns)
	Resamples int     // number of bootstrap draws, e.g. 1000
	Seed      uint64
}

// Interval returns the 95% stationary-bootstrap interval of stat over rs.
// ok is false when rs is empty or stat is undefined on every draw.
func (b Bootstrap) Interval(rs []float64, stat func([]float64) (float64, bool)) (lo, hi float64, ok bool) {
	n := len(rs)
	if n == 0 || b.Resamples <= 0 {
		return 0, 0, false
	}
	p := 1 / math.Max(b.BlockLen, 1)
	rng := rand.New(rand.NewPCG(b.Seed, 0x5eed))
	draw := make([]float64, n)
	vals := make([]float64, 0, b.Resamples)
	for range b.Resamples {
		j := rng.IntN(n)
		for i := range draw {
			if i > 0 && rng.Float64() < p {
				j = rng.IntN(n)
			}
			draw[i] = rs[j]
			j = (j + 1) % n
		}
		if v, ok := stat(draw); ok {
			vals = append(vals, v)
		}
	}
	if len(vals) == 0 {
		return 0, 0, false
	}
	sort.Float64s(vals)
	return Quantile(vals, 0.025), Quantile(vals, 0.975), true
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
