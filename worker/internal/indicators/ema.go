package indicators

import "math"

// EMA returns the exponential moving average of values over period, seeded
// with the simple average of the first period values: out[period-1] is that
// SMA, and each later out[i] = out[i-1] + k·(values[i] − out[i-1]) with
// k = 2/(period+1). Entries before period-1 are NaN.
func EMA(values []float64, period int) []float64 {
	out := nanSlice(len(values))
	if period < 1 || len(values) < period {
		return out
	}
	sum := 0.0
	for _, v := range values[:period] {
		sum += v
	}
	prev := sum / float64(period)
	out[period-1] = prev
	k := 2 / float64(period+1)
	for i := period; i < len(values); i++ {
		prev += k * (values[i] - prev)
		out[i] = prev
	}
	return out
}

// MACD returns EMA(values, 12) − EMA(values, 26), aligned with values (the
// MACD line only; no signal line). Entries before index 25 are NaN.
func MACD(values []float64) []float64 {
	fast, slow := EMA(values, 12), EMA(values, 26)
	for i := range fast {
		fast[i] -= slow[i] // NaN propagates through the warm-up
	}
	return fast
}

func nanSlice(n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = math.NaN()
	}
	return out
}
