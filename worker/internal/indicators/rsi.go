package indicators

// RSI returns Wilder's relative strength index of closes over period. The
// first average gain and loss are the simple averages of the first period
// changes (so out[period] is the first value); later averages are smoothed
// as avg = (avg·(period−1) + x)/period. A window with losses but no gains
// gives 0, with gains but no losses 100, and with no movement at all 50.
func RSI(closes []float64, period int) []float64 {
	out := nanSlice(len(closes))
	if period < 1 || len(closes) <= period {
		return out
	}
	var gain, loss float64
	for i := 1; i <= period; i++ {
		g, l := change(closes[i-1], closes[i])
		gain += g
		loss += l
	}
	p := float64(period)
	gain /= p
	loss /= p
	out[period] = rsiValue(gain, loss)
	for i := period + 1; i < len(closes); i++ {
		g, l := change(closes[i-1], closes[i])
		gain = (gain*(p-1) + g) / p
		loss = (loss*(p-1) + l) / p
		out[i] = rsiValue(gain, loss)
	}
	return out
}

func change(prev, cur float64) (gain, loss float64) {
	if d := cur - prev; d > 0 {
		return d, 0
	} else {
		return 0, -d
	}
}

func rsiValue(gain, loss float64) float64 {
	switch {
	case gain == 0 && loss == 0:
		return 50
	case loss == 0:
		return 100
	}
	return 100 - 100/(1+gain/loss)
}
