package agent

import (
	"math"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/prompt"
)

// Sharpe ratio parameters, as the reference computes it for the prompt.
const (
	periodsPerYear = 365 * 24 * 60 / 5 // 5-minute returns
	riskFreeRate   = 0.04              // annual
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

// sharpe returns the annualised Sharpe ratio of the period returns of
// values, with the sample standard deviation; ok is false when it is not
// meaningful.
func sharpe(values []float64) (ratio float64, ok bool) {
	var rets []float64
	for i := 1; i < len(values); i++ {
		if values[i-1] > 0 {
			rets = append(rets, values[i]/values[i-1]-1)
		}
	}
	if len(rets) < minReturns {
		return 0, false
	}
	var mean float64
	for _, r := range rets {
		mean += r
	}
	mean /= float64(len(rets))
	var ss float64
	for _, r := range rets {
		ss += (r - mean) * (r - mean)
	}
	annualStdev := math.Sqrt(ss/float64(len(rets)-1)) * math.Sqrt(periodsPerYear)
	if annualStdev < minAnnualStdev || math.IsNaN(annualStdev) {
		return 0, false
	}
	return (mean*periodsPerYear - riskFreeRate) / annualStdev, true
}
