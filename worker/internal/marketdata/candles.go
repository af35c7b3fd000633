package marketdata

import (
	"math"
	"slices"
	"sync"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

// Aggregator builds OHLCV bars of one resolution, per symbol, from observed
// prices: trade prints (with their size as volume) or mids (volume 0). Bars
// start at multiples of the resolution since the Unix epoch (for resolutions
// dividing a day: 00:00, 00:05… UTC), are contiguous (an interval with no
// observation gets a flat bar at the previous close and zero volume), and the
// last Keep of them are kept. The newest bar is the one in progress. Safe for
// concurrent use.
type Aggregator struct {
	res  time.Duration
	keep int

	mu   sync.Mutex
	bars map[arena.Symbol][]arena.Candle // oldest first
}

// NewAggregator returns an aggregator of bars of length res keeping keep bars
// per symbol. It panics unless res and keep are positive (a programming error).
func NewAggregator(res time.Duration, keep int) *Aggregator {
	if res <= 0 || keep <= 0 {
		panic("marketdata: NewAggregator needs a positive resolution and keep")
	}
	return &Aggregator{res: res, keep: keep, bars: make(map[arena.Symbol][]arena.Candle)}
}

// Resolution returns the bar length.
func (a *Aggregator) Resolution() time.Duration { return a.res }

// Keep returns how many bars per symbol are kept.
func (a *Aggregator) Keep() int { return a.keep }

// BarStart returns the start of the bar containing t.
func (a *Aggregator) BarStart(t time.Time) time.Time { return BarStart(t, a.res) }

// BarStart returns the start of the res-long bar containing t, in UTC.
func BarStart(t time.Time, res time.Duration) time.Time {
	ns := t.UnixNano()
	r := ns % int64(res)
	if r < 0 {
		r += int64(res)
	}
	return time.Unix(0, ns-r).UTC()
}

// Seed replaces symbol's bars with bars (for example history fetched from a
// venue), which must be aligned to the resolution. They are sorted by start,
// gaps are filled flat and only the last Keep are kept.
func (a *Aggregator) Seed(symbol arena.Symbol, bars []arena.Candle) error {
	sorted := slices.Clone(bars)
	slices.SortStableFunc(sorted, func(x, y arena.Candle) int { return x.Start.Compare(y.Start) })
	var out []arena.Candle
	for _, c := range sorted {
		if !BarStart(c.Start, a.res).Equal(c.Start) {
			return arena.Errorf(arena.CodeInvalid, "seed %s %v bars: %v is not a bar start", symbol, a.res, c.Start)
		}
		c.Start = c.Start.UTC()
		if n := len(out); n > 0 && out[n-1].Start.Equal(c.Start) {
			out[n-1] = c
			continue
		}
		out = a.fillTo(out, c.Start)
		out = append(out, c)
	}
	a.mu.Lock()
	a.bars[symbol] = a.trim(out)
	a.mu.Unlock()
	return nil
}

// Observe records price at t with volume in base units (0 for a mid or
// mark observation). Non-positive or non-finite prices are ignored, as are
// observations older than every kept bar. An observation inside an older bar
// (a late trade) extends its high, low and volume but not its close.
func (a *Aggregator) Observe(symbol arena.Symbol, t time.Time, price, volume float64) {
	if !(price > 0) || math.IsInf(price, 0) || !(volume >= 0) || math.IsInf(volume, 0) {
		return
	}
	start := a.BarStart(t)
	a.mu.Lock()
	defer a.mu.Unlock()
	bars := a.bars[symbol]
	n := len(bars)
	switch {
	case n == 0 || start.After(bars[n-1].Start):
		bars = a.fillTo(bars, start)
		bars = append(bars, arena.Candle{Start: start, Open: price, High: price, Low: price, Close: price, Volume: volume})
		a.bars[symbol] = a.trim(bars)
	case start.Equal(bars[n-1].Start):
		extend(&bars[n-1], price, volume)
		bars[n-1].Close = price
	default:
		i, ok := slices.BinarySearchFunc(bars, start, func(c arena.Candle, s time.Time) int { return c.Start.Compare(s) })
		if ok {
			extend(&bars[i], price, volume)
		}
	}
}

// Last returns up to n of symbol's most recent bars, oldest first, in a
// fresh slice.
func (a *Aggregator) Last(symbol arena.Symbol, n int) []arena.Candle {
	a.mu.Lock()
	defer a.mu.Unlock()
	bars := a.bars[symbol]
	if n < len(bars) {
		bars = bars[len(bars)-n:]
	}
	return slices.Clone(bars)
}

func extend(c *arena.Candle, price, volume float64) {
	c.High = max(c.High, price)
	c.Low = min(c.Low, price)
	c.Volume += volume
}

// fillTo appends flat zero-volume bars for every interval between the last
// bar and start (exclusive), at most Keep of them.
func (a *Aggregator) fillTo(bars []arena.Candle, start time.Time) []arena.Candle {
	n := len(bars)
	if n == 0 {
		return bars
	}
	prev := bars[n-1]
	next := prev.Start.Add(a.res)
	if gap := start.Sub(next) / a.res; gap > time.Duration(a.keep) {
		next = start.Add(-time.Duration(a.keep) * a.res)
	}
	for ; next.Before(start); next = next.Add(a.res) {
		bars = append(bars, arena.Candle{Start: next, Open: prev.Close, High: prev.Close, Low: prev.Close, Close: prev.Close})
	}
	return bars
}

func (a *Aggregator) trim(bars []arena.Candle) []arena.Candle {
	if extra := len(bars) - a.keep; extra > 0 {
		// Copy down rather than reslice so the backing array does not grow forever.
		bars = append(bars[:0], bars[extra:]...)
	}
	return bars
}
