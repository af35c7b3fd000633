// Package ticker publishes the latest price of every market: it follows the
// feed's books, and at a fixed interval writes the mids where the API reads
// them (the marks in Redis) and publishes them on the prices channel for the
// SSE relays. A Redis outage is logged once when it starts and once when it
// ends; publishing resumes by itself.
package ticker

import (
	"context"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/marketdata"
)

// MarkStore keeps the latest price per symbol (redis.Marks).
type MarkStore interface {
	Set(ctx context.Context, prices []arena.Price) error
}

// Publisher publishes an event and the channel's current state (redis.EventLog).
type Publisher interface {
	PublishState(ctx context.Context, ch arena.Channel, typ string, data, state any) (arena.Event, error)
}

// Payload is the data of a prices event and the prices channel's state.
type Payload struct {
	Prices []arena.Price `json:"prices"`
}

// Ticker is a marketdata.Sink that publishes mids.
type Ticker struct {
	marks    MarkStore
	pub      Publisher
	interval time.Duration
	log      *slog.Logger

	mu    sync.Mutex
	books map[arena.Symbol]*marketdata.Book
	dirty bool

	failing bool // owned by Run
}

// New returns a Ticker publishing every interval.
func New(marks MarkStore, pub Publisher, interval time.Duration, log *slog.Logger) *Ticker {
	return &Ticker{marks: marks, pub: pub, interval: interval, log: log, books: map[arena.Symbol]*marketdata.Book{}}
}

// OnBook implements marketdata.Sink.
func (t *Ticker) OnBook(_ context.Context, u arena.BookUpdate) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	b, ok := t.books[u.Symbol]
	if !ok {
		b = marketdata.NewBook(u.Symbol)
		t.books[u.Symbol] = b
	}
	if err := b.Apply(u); err != nil {
		// A delta that does not fit is the feed's problem to resynchronise;
		// the next snapshot repairs the book.
		t.log.Debug("book update not applied", "symbol", u.Symbol, "err", err)
		return nil
	}
	t.dirty = true
	return nil
}

// OnTrade implements marketdata.Sink; trades do not move the published mid.
func (t *Ticker) OnTrade(context.Context, arena.TradePrint) error { return nil }

// OnStats implements marketdata.Sink.
func (t *Ticker) OnStats(context.Context, arena.MarketStats) error { return nil }

// Prices returns the current mid of every symbol with a two-sided book.
func (t *Ticker) Prices() []arena.Price {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.pricesLocked()
}

func (t *Ticker) pricesLocked() []arena.Price {
	out := make([]arena.Price, 0, len(t.books))
	for _, sym := range sortedSymbols(t.books) {
		b := t.books[sym]
		if mid, ok := b.Mid(); ok {
			out = append(out, arena.Price{Symbol: sym, Price: mid, Time: b.Time()})
		}
	}
	return out
}

// Run publishes until ctx is done.
func (t *Ticker) Run(ctx context.Context) error {
	tk := time.NewTicker(t.interval)
	defer tk.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tk.C:
			t.publish(ctx)
		}
	}
}

func (t *Ticker) publish(ctx context.Context) {
	t.mu.Lock()
	if !t.dirty && !t.failing {
		t.mu.Unlock()
		return
	}
	prices := t.pricesLocked()
	t.dirty = false
	t.mu.Unlock()
	if len(prices) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, t.interval+2*time.Second)
	defer cancel()
	err := t.marks.Set(ctx, prices)
	if err == nil {
		_, err = t.pub.PublishState(ctx, arena.ChannelPrices, arena.EventPrices, Payload{prices}, Payload{prices})
	}
	switch {
	case err != nil && !t.failing:
		t.failing = true
		t.log.Error("publishing prices failed; retrying every interval until Redis answers", "err", err)
	case err == nil && t.failing:
		t.failing = false
		t.log.Info("publishing prices recovered")
	}
}

func sortedSymbols(m map[arena.Symbol]*marketdata.Book) []arena.Symbol {
	return slices.Sorted(maps.Keys(m))
}
