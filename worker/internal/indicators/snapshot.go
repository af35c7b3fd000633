package indicators

import (
	"fmt"
	"math"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

// SeriesLen is how many of the newest values of each series a snapshot keeps
// and the prompt shows.
const SeriesLen = 10

// AvgVolumeBars is the window of the average volume shown beside the latest.
const AvgVolumeBars = 30

// Input is what the snapshot needs about one market: 5-minute and 4-hour
// candles, oldest first (the last bar may still be forming), and the venue's
// statistics.
type Input struct {
	Symbol   arena.Symbol
	Intraday []arena.Candle // 5-minute bars
	HigherTF []arena.Candle // 4-hour bars
	Stats    arena.MarketStats
}

// Values are one frame's indicators as of its newest bar. NaN means the frame
// has too few bars for that indicator.
type Values struct {
	Close     float64
	Mid       float64 // (open+close)/2 of the newest bar
	EMA20     float64 // on mids
	MACD      float64 // EMA12 − EMA26 on mids
	RSI7      float64 // Wilder, on closes
	RSI14     float64
	ATR10     float64 // Wilder true range
	ATR14     float64
	Volume    float64 // newest bar, base units
	AvgVolume float64 // mean of the last AvgVolumeBars bars
}

// Series are the newest SeriesLen values of each indicator, oldest first.
type Series struct {
	Mid, EMA20, MACD, RSI7, RSI14, ATR10, ATR14, Volume []float64
}

// Frame is one timeframe of one market.
type Frame struct {
	Label   string    // "5m" or "4h"
	Bars    int       // candles the indicators were computed from
	LastBar time.Time // start of the newest bar, UTC; zero without bars
	Latest  Values
	Series  Series
}

// Market is one symbol's part of a snapshot.
type Market struct {
	Symbol   arena.Symbol
	Stats    arena.MarketStats
	Intraday Frame // 5m
	HigherTF Frame // 4h
}

// Snapshot is the market intelligence of one cycle. It is immutable after
// Build, so every model of the cycle can share it.
type Snapshot struct {
	AsOf    time.Time // UTC
	Markets []Market
	text    string
}

// Build computes the snapshot as of asOf from in, in the order given. Candles
// must be in strictly increasing start order.
func Build(asOf time.Time, in []Input) (*Snapshot, error) {
	s := &Snapshot{AsOf: asOf.UTC(), Markets: make([]Market, 0, len(in))}
	for _, m := range in {
		intra, err := buildFrame("5m", m.Intraday)
		if err != nil {
			return nil, fmt.Errorf("build %s 5m indicators: %w", m.Symbol, err)
		}
		higher, err := buildFrame("4h", m.HigherTF)
		if err != nil {
			return nil, fmt.Errorf("build %s 4h indicators: %w", m.Symbol, err)
		}
		s.Markets = append(s.Markets, Market{Symbol: m.Symbol, Stats: m.Stats, Intraday: intra, HigherTF: higher})
	}
	s.text = string(s.appendText(make([]byte, 0, 2048*len(in)+128)))
	return s, nil
}

// Text is the prompt text of the snapshot, rendered once by Build.
func (s *Snapshot) Text() string { return s.text }

// Market returns the part of the snapshot about sym.
func (s *Snapshot) Market(sym arena.Symbol) (Market, bool) {
	for _, m := range s.Markets {
		if m.Symbol == sym {
			return m, true
		}
	}
	return Market{}, false
}

func buildFrame(label string, bars []arena.Candle) (Frame, error) {
	f := Frame{Label: label, Bars: len(bars)}
	for i := 1; i < len(bars); i++ {
		if !bars[i].Start.After(bars[i-1].Start) {
			return f, fmt.Errorf("candle %d (%s) does not start after candle %d", i, bars[i].Start.UTC().Format(time.RFC3339), i-1)
		}
	}
	if len(bars) == 0 {
		f.Latest = nanValues()
		return f, nil
	}
	mids := make([]float64, len(bars))
	closes := make([]float64, len(bars))
	vols := make([]float64, len(bars))
	for i, b := range bars {
		mids[i], closes[i], vols[i] = (b.Open+b.Close)/2, b.Close, b.Volume
	}
	full := Series{
		Mid: mids, EMA20: EMA(mids, 20), MACD: MACD(mids),
		RSI7: RSI(closes, 7), RSI14: RSI(closes, 14),
		ATR10: ATR(bars, 10), ATR14: ATR(bars, 14), Volume: vols,
	}
	n := len(bars) - 1
	f.LastBar = bars[n].Start.UTC()
	f.Latest = Values{
		Close: closes[n], Mid: mids[n], EMA20: full.EMA20[n], MACD: full.MACD[n],
		RSI7: full.RSI7[n], RSI14: full.RSI14[n], ATR10: full.ATR10[n], ATR14: full.ATR14[n],
		Volume: vols[n], AvgVolume: mean(vols[max(0, len(vols)-AvgVolumeBars):]),
	}
	f.Series = Series{
		Mid: tail(full.Mid), EMA20: tail(full.EMA20), MACD: tail(full.MACD),
		RSI7: tail(full.RSI7), RSI14: tail(full.RSI14), ATR10: tail(full.ATR10),
		ATR14: tail(full.ATR14), Volume: tail(full.Volume),
	}
	return f, nil
}

// tail copies the newest SeriesLen values so the snapshot does not pin the
// full-length working slices.
func tail(v []float64) []float64 {
	return append([]float64(nil), v[max(0, len(v)-SeriesLen):]...)
}

func mean(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	sum := 0.0
	for _, x := range v {
		sum += x
	}
	return sum / float64(len(v))
}

func nanValues() Values {
	n := math.NaN()
	return Values{n, n, n, n, n, n, n, n, n, n}
}
