package marketdata

import (
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

// CandleSet is one Aggregator per resolution, observed together: the candle
// half of a History for feeds that build their own bars. Safe for concurrent
// use.
type CandleSet struct {
	aggs map[time.Duration]*Aggregator
}

// NewCandleSet returns an aggregator per resolution in keep, each keeping
// that many bars.
func NewCandleSet(keep map[time.Duration]int) *CandleSet {
	s := &CandleSet{aggs: make(map[time.Duration]*Aggregator, len(keep))}
	for res, n := range keep {
		s.aggs[res] = NewAggregator(res, n)
	}
	return s
}

// Aggregator returns the aggregator of res, or nil.
func (s *CandleSet) Aggregator(res time.Duration) *Aggregator { return s.aggs[res] }

// Observe records an observation in every resolution (see Aggregator.Observe).
func (s *CandleSet) Observe(symbol arena.Symbol, t time.Time, price, volume float64) {
	for _, a := range s.aggs {
		a.Observe(symbol, t, price, volume)
	}
}

// Seed seeds one resolution (see Aggregator.Seed).
func (s *CandleSet) Seed(symbol arena.Symbol, res time.Duration, bars []arena.Candle) error {
	a, err := s.lookup(res, 1)
	if err != nil {
		return err
	}
	return a.Seed(symbol, bars)
}

// Candles returns up to n of the latest bars of res, oldest first. An unknown
// resolution or an n outside [1, keep] is arena.CodeInvalid.
func (s *CandleSet) Candles(symbol arena.Symbol, res time.Duration, n int) ([]arena.Candle, error) {
	a, err := s.lookup(res, n)
	if err != nil {
		return nil, err
	}
	return a.Last(symbol, n), nil
}

func (s *CandleSet) lookup(res time.Duration, n int) (*Aggregator, error) {
	a := s.aggs[res]
	switch {
	case a == nil:
		return nil, arena.Errorf(arena.CodeInvalid, "candle resolution %v is not served", res)
	case n < 1 || n > a.keep:
		return nil, arena.Errorf(arena.CodeInvalid, "candle count %d is outside 1..%d", n, a.keep)
	}
	return a, nil
}
