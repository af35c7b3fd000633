package stats

import (
	"math"
	"testing"
)

// BenchmarkIntervals26x10x24h computes the Sharpe interval (1000 resamples,
// hourly blocks) for 26 entrants × 10 repeats × 24 h of 5-minute returns.
func BenchmarkIntervals26x10x24h(b *testing.B) {
	series := make([][]float64, 26*10)
	for k := range series {
		rs := make([]float64, 288)
		for i := range rs {
			rs[i] = 0.002 * math.Sin(float64(i*(k+3)))
		}
		series[k] = rs
	}
	sharpe := func(x []float64) (float64, bool) { return Sharpe(x, 105120) }
	for b.Loop() {
		for k, rs := range series {
			Bootstrap{BlockLen: 12, Resamples: 1000, Seed: uint64(k)}.Interval(rs, sharpe)
		}
	}
}
