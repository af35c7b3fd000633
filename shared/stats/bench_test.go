package stats

import (
	"math"
	"syscall"
	"testing"
	"time"
)

// BenchmarkIntervals26x10x24h computes the 95% intervals of the
// leaderboard's figures (compound return, Sharpe, Sortino, drawdown; the
// net return is the return shifted by a fixed cost) with 1000 resamples and
// hourly blocks, for 26 entrants × 10 repeats × 24 h of 5-minute returns,
// then summarises each entrant's figures across its repeats. Target: < 2 s
// per iteration. cpu-s/op is the process's CPU time per iteration, the
// figure to read on a shared machine where ns/op includes waiting for a core.
func BenchmarkIntervals26x10x24h(b *testing.B) {
	series := make([][]float64, 26*10)
	for k := range series {
		rs := make([]float64, 288)
		for i := range rs {
			rs[i] = 0.002 * math.Sin(float64(i*(k+3)))
		}
		series[k] = rs
	}
	cpu0 := cpuTime()
	for b.Loop() {
		for e := range 26 {
			figures := make([]float64, 10)
			for r := range 10 {
				rs := series[e*10+r]
				Bootstrap{BlockLen: 12, Resamples: 1000, Seed: uint64(e*10 + r)}.FigureIntervals(rs, 105120)
				figures[r], _ = Compound(rs)
			}
			Bootstrap{Resamples: 1000, Seed: uint64(e)}.Summarize(figures)
		}
	}
	b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
