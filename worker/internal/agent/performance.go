package agent

import (
	"math"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/stats"
	"github.com/autonome-go/autonome/worker/internal/prompt"
)

// Sharpe ratio parameters. The ratio itself is stats.Sharpe (risk-free
// rate 0), the same number the leaderboard shows.
const (
	periodsPerYear = 365 * 24 * 60 / 5 // 5-minute returns
	minReturns     = 30                // fewer returns: not enough history
	minAnnualStdev = 1e-4              // below this the ratio means nothing
)

// performance is an account's return since its capital and the annualised
// Sharpe ratio of its 5-minute equity closes (cents, oldest first), with
// its equity now as the last close.
func performance(a arena.AccountSnapshot, closes []int64) prompt.Performance {
	var p prompt.Performance
	if a.Capital > 0 {
		p.TotalReturnPct = (a.Equity - a.Capital).Float64() / a.Capital.Float64() * 100
	}
	series := make([]float64, 0, len(closes)+1)
	for _, c := range closes {
		series = append(series, float64(c)/100)
	}
	series = append(series, a.Equity.Float64())
	p.SharpeRatio, p.SharpeKnown = sharpe(series)
	return p
}

// sharpe returns stats.Sharpe of the period returns of values; ok is false
// when it is not meaningful (too few returns, or almost no variation).
func sharpe(values []float64) (ratio float64, ok bool) {
	rets := stats.Returns(values)
	if len(rets) < minReturns {
		return 0, false
	}
	ratio, ok = stats.Sharpe(rets, periodsPerYear)
	if !ok || math.Abs(ratio) > math.Abs(stats.Mean(rets))*periodsPerYear/minAnnualStdev {
		return 0, false
	}
	return ratio, true
}
