package indicators

import (
	"math"

	"github.com/autonome-go/autonome/shared/arena"
)

// TrueRange returns each bar's true range: max(high−low, |high−prevClose|,
// |low−prevClose|), and high−low for the first bar, which has no previous close.
func TrueRange(bars []arena.Candle) []float64 {
	out := make([]float64, len(bars))
	for i, b := range bars {
		tr := b.High - b.Low
		if i > 0 {
			pc := bars[i-1].Close
			tr = math.Max(tr, math.Max(math.Abs(b.High-pc), math.Abs(b.Low-pc)))
		}
		out[i] = tr
	}
	return out
}

// ATR returns Wilder's average true range over period: out[period-1] is the
// simple average of the first period true ranges, and later values are
// smoothed as atr = (atr·(period−1) + tr)/period. Earlier entries are NaN.
func ATR(bars []arena.Candle, period int) []float64 {
	out := nanSlice(len(bars))
	if period < 1 || len(bars) < period {
		return out
	}
	tr := TrueRange(bars)
	sum := 0.0
	for _, v := range tr[:period] {
		sum += v
	}
	p := float64(period)
	atr := sum / p
	out[period-1] = atr
	for i := period; i < len(tr); i++ {
		atr = (atr*(p-1) + tr[i]) / p
		out[i] = atr
	}
	return out
}
