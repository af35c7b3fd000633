// Package ticker publishes the latest price of every market: at a fixed
// interval it reads the mids from its source (the simulator's books), writes
// them where the API reads them (the marks in Redis) and publishes them on
// the prices channel for the SSE relays. It also stores the venue's order
// books (their best levels, followed by Books from the feed) for the API's
// simulator.getOrderBook. A Redis outage is logged once when
// it starts and once when it ends; publishing resumes by itself.
package ticker

import (
	"context"
	"log/slog"
	"slices"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

// MarkStore keeps the latest price per symbol (redis.Marks).
type MarkStore interface {
	Set(ctx context.Context, prices []arena.Price) error
}

// BookStore keeps the latest order book per symbol (redis.Books).
type BookStore interface {
	Set(ctx context.Context, books []arena.BookUpdate) error
}

// Publisher publishes an event and the channel's current state (redis.EventLog).
type Publisher interface {
	PublishState(ctx context.Context, ch arena.Channel, typ string, data, state any) (arena.Event, error)
}

// Payload is the data of a prices event and the prices channel's state.
type Payload struct {
	Prices []arena.Price `json:"prices"`
}

// Ticker publishes mids at an interval.
type Ticker struct {
	source   func() []arena.Price
	marks    MarkStore
	pub      Publisher
	interval time.Duration
	log      *slog.Logger

	books     *Books
	bookStore BookStore
	bookVer   uint64 // the version of the books last stored

	last    []arena.Price
	failing bool
}

// New returns a Ticker publishing source's prices every interval.
func New(source func() []arena.Price, marks MarkStore, pub Publisher, interval time.Duration, log *slog.Logger) *Ticker {
	return &Ticker{source: source, marks: marks, pub: pub, interval: interval, log: log}
}

// PublishBooks makes the ticker also store books' best levels in store
// whenever they changed, at the same interval. Call it before Run.
func (t *Ticker) PublishBooks(books *Books, store BookStore) { t.books, t.bookStore = books, store }

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

// publish sends the prices and books when they changed (or the last
// attempt failed).
func (t *Ticker) publish(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, t.interval+2*time.Second)
	defer cancel()
	err := t.publishPrices(ctx)
	if err == nil {
		err = t.publishBooks(ctx)
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

func (t *Ticker) publishPrices(ctx context.Context) error {
	prices := t.source()
	if len(prices) == 0 || (!t.failing && slices.Equal(prices, t.last)) {
		return nil
	}
	err := t.marks.Set(ctx, prices)
	if err == nil {
		_, err = t.pub.PublishState(ctx, arena.ChannelPrices, arena.EventPrices, Payload{prices}, Payload{prices})
	}
	if err == nil {
		t.last = prices
	}
	return err
}

func (t *Ticker) publishBooks(ctx context.Context) error {
	if t.books == nil {
		return nil
	}
	books, ver := t.books.Snapshot()
	if len(books) == 0 || ver == t.bookVer {
		return nil
	}
	if err := t.bookStore.Set(ctx, books); err != nil {
		return err
	}
	t.bookVer = ver
	return nil
}
