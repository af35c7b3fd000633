// Package ticker publishes the latest price of every market: at a fixed
// interval it reads the mids from its source (the simulator's books), writes
// them where the API reads them (the marks in Redis) and publishes them on
// the prices channel for the SSE relays. A Redis outage is logged once when
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

	last    []arena.Price
	failing bool
}

// New returns a Ticker publishing source's prices every interval.
func New(source func() []arena.Price, marks MarkStore, pub Publisher, interval time.Duration, log *slog.Logger) *Ticker {
	return &Ticker{source: source, marks: marks, pub: pub, interval: interval, log: log}
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

// publish sends the prices when they changed (or the last attempt failed).
func (t *Ticker) publish(ctx context.Context) {
	prices := t.source()
	if len(prices) == 0 || (!t.failing && slices.Equal(prices, t.last)) {
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
	if err == nil {
		t.last = prices
	}
}
