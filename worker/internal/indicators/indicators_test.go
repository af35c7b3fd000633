package indicators

import (
	"math"
	"testing"

	"github.com/autonome-go/autonome/shared/arena"
)

const eps = 1e-9

var nan = math.NaN()

func sameSeries(t *testing.T, name string, got, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: len %d, want %d (%v)", name, len(got), len(want), got)
	}
	for i := range want {
		g, w := got[i], want[i]
		if math.IsNaN(w) != math.IsNaN(g) || (!math.IsNaN(w) && math.Abs(g-w) > eps) {
			t.Fatalf("%s: [%d] = %v, want %v (all %v)", name, i, g, w, got)
		}
	}
}

func TestEMA(t *testing.T) {
	tests := []struct {
		name   string
		in     []float64
		period int
		want   []float64
	}{
		// Seed = SMA(1,2,3) = 2; k = 0.5.
		{"ramp", []float64{1, 2, 3, 4, 5, 6}, 3, []float64{nan, nan, 2, 3, 4, 5}},
		// Seed = 10.5; k = 2/3: 10.5 + 2/3·1.5 = 11.5, then 12.5.
		{"period two", []float64{10, 11, 12, 13}, 2, []float64{nan, 10.5, 11.5, 12.5}},
		// Seed = 4; 4 + .5·4 = 6; 6 + .5·14 = 13.
		{"jump", []float64{2, 4, 6, 8, 20}, 3, []float64{nan, nan, 4, 6, 13}},
		{"period one is identity", []float64{3, 1, 4}, 1, []float64{3, 1, 4}},
		{"too short", []float64{1, 2}, 3, []float64{nan, nan}},
		{"empty", nil, 3, []float64{}},
		{"bad period", []float64{1, 2}, 0, []float64{nan, nan}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sameSeries(t, "EMA", EMA(tt.in, tt.period), tt.want)
		})
	}
}

// On a straight line an SMA-seeded EMA lags by exactly (period−1)/2 from the
// seed on, so MACD = lag26 − lag12 = 12.5 − 5.5 = 7 wherever it is defined.
func TestMACDOnALine(t *testing.T) {
	in := make([]float64, 40)
	for i := range in {
		in[i] = float64(i)
	}
	got := MACD(in)
	want := make([]float64, 40)
	for i := range want {
		want[i] = 7
		if i < 25 {
			want[i] = nan
		}
	}
	sameSeries(t, "MACD", got, want)
}

func TestRSI(t *testing.T) {
	tests := []struct {
		name   string
		in     []float64
		period int
		want   []float64
	}{
		// Changes +1 +1 −1 +1 +1. Seed gain 1, loss 0 → 100; then
		// gain .5 loss .5 → 50; gain .75 loss .25 → 75; .875/.125 → 87.5.
		{"wilder smoothing", []float64{1, 2, 3, 2, 3, 4}, 2, []float64{nan, nan, 100, 50, 75, 87.5}},
		{"flat is neutral", []float64{5, 5, 5}, 2, []float64{nan, nan, 50}},
		{"only losses", []float64{3, 2, 1}, 2, []float64{nan, nan, 0}},
		// Seed gain (2+0)/2=1, loss (0+1)/2=.5 → RS 2 → 66.67.
		{"mixed seed", []float64{10, 12, 11}, 2, []float64{nan, nan, 100 - 100.0/3}},
		{"too short", []float64{1, 2}, 2, []float64{nan, nan}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sameSeries(t, "RSI", RSI(tt.in, tt.period), tt.want)
		})
	}
}

func bar(h, l, c float64) arena.Candle {
	return arena.Candle{High: h, Low: l, Close: c, Open: (h + l) / 2}
}

func TestTrueRangeAndATR(t *testing.T) {
	bars := []arena.Candle{
		bar(10, 8, 9),     // TR 2 (no previous close)
		bar(11, 9, 10.5),  // max(2, |11−9|, |9−9|) = 2
		bar(12, 10.5, 11), // max(1.5, 1.5, 0) = 1.5
		bar(11.5, 7, 8),   // max(4.5, .5, 4) = 4.5
		bar(14, 13, 13.5), // gap up: max(1, |14−8|, |13−8|) = 6
	}
	sameSeries(t, "TR", TrueRange(bars), []float64{2, 2, 1.5, 4.5, 6})
	// ATR3: seed (2+2+1.5)/3 = 11/6; (11/6·2 + 4.5)/3 = 49/18; (49/18·2 + 6)/3 = 103/27.
	sameSeries(t, "ATR", ATR(bars, 3), []float64{nan, nan, 11.0 / 6, 49.0 / 18, 103.0 / 27})
	sameSeries(t, "ATR too short", ATR(bars[:2], 3), []float64{nan, nan})
}
