package tape

import (
	"context"
	"sync"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/marketdata"
)

// History is a marketdata.History built from a tape: its recorded candles
// extended with the messages it is shown (trades and book mids), and the
// latest stats. It answers as of the last message observed, so a caller
// that observes messages in step with its own clock (a season) gets the
// same answers at the same times on every run. Safe for concurrent use.
type History struct {
	candles *marketdata.CandleSet
	mu      sync.Mutex
	stats   map[arena.Symbol]arena.MarketStats
	books   map[arena.Symbol]*marketdata.Book
}

var _ marketdata.History = (*History)(nil)

// NewHistory seeds a History with a tape's candle blocks.
func NewHistory(blocks []Candles) (*History, error) {
	keep := make(map[time.Duration]int, len(defaultHistoryBars))
	for res, n := range defaultHistoryBars {
		keep[res] = n
	}
	for _, c := range blocks {
		res := time.Duration(c.Resolution)
		keep[res] = max(keep[res], len(c.Bars))
	}
	h := &History{candles: marketdata.NewCandleSet(keep), stats: map[arena.Symbol]arena.MarketStats{},
		books: map[arena.Symbol]*marketdata.Book{}}
	for _, c := range blocks {
		if err := h.candles.Seed(c.Symbol, time.Duration(c.Resolution), c.Bars); err != nil {
			return nil, err
		}
	}
	return h, nil
}

// Observe extends the history with m.
func (h *History) Observe(m marketdata.Message) {
	switch m.Kind {
	case marketdata.KindTrade:
		h.candles.Observe(m.Trade.Symbol, m.Trade.Time, m.Trade.Price.Float64(), m.Trade.Size.Float64())
	case marketdata.KindStats:
		h.mu.Lock()
		h.stats[m.Stats.Symbol] = m.Stats
		h.mu.Unlock()
	case marketdata.KindBook:
		h.mu.Lock()
		b := h.books[m.Book.Symbol]
		if b == nil {
			b = marketdata.NewBook(m.Book.Symbol)
			h.books[m.Book.Symbol] = b
		}
		err := b.Apply(m.Book)
		mid, ok := b.Mid()
		h.mu.Unlock()
		if err == nil && ok { // a delta before the first snapshot has nothing to observe yet
			h.candles.Observe(m.Book.Symbol, m.Book.Time, mid.Float64(), 0)
		}
	}
}

// Candles serves the recorded history extended by what was observed.
func (h *History) Candles(_ context.Context, symbol arena.Symbol, res time.Duration, n int) ([]arena.Candle, error) {
	return h.candles.Candles(symbol, res, n)
}

// Stats returns the latest observed stats of symbol; arena.CodeUnavailable
// before any.
func (h *History) Stats(_ context.Context, symbol arena.Symbol) (arena.MarketStats, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	s, ok := h.stats[symbol]
	if !ok {
		return s, arena.Errorf(arena.CodeUnavailable, "no stats for %s replayed yet", symbol)
	}
	return s, nil
}
