package synthetic

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/marketdata"
)

// Feed is a synthetic market. It implements marketdata.Feed and
// marketdata.History; Run may be called once.
type Feed struct {
	cfg     Config
	markets []*market
	candles *marketdata.CandleSet
	ran     atomic.Bool

	mu    sync.Mutex
	stats map[arena.Symbol]arena.MarketStats
}

var (
	_ marketdata.Feed    = (*Feed)(nil)
	_ marketdata.History = (*Feed)(nil)
)

// New builds the feed and synthesises its history.
func New(cfg Config) (*Feed, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	f := &Feed{cfg: cfg, candles: marketdata.NewCandleSet(keepBars), stats: make(map[arena.Symbol]arena.MarketStats)}
	for _, m := range cfg.Markets {
		p, err := cfg.params(m)
		if err != nil {
			return nil, err
		}
		if _, dup := f.stats[m.Symbol]; dup {
			return nil, arena.Errorf(arena.CodeInvalid, "synthetic: market %s listed twice", m.Symbol)
		}
		mk := newMarket(cfg.Seed, m, p, cfg.Depth)
		if err := f.seedHistory(mk); err != nil {
			return nil, err
		}
		f.markets = append(f.markets, mk)
		f.stats[m.Symbol] = mk.stats(cfg.Start)
	}
	return f, nil
}

func (f *Feed) seedHistory(mk *market) error {
	bars5m := backfill(f.cfg.Seed, mk.m, mk.p, f.cfg.Start)
	for _, b := range bars5m[max(0, len(bars5m)-dayBuckets-1):] {
		mk.day.add(b.Start, b.Close, b.Volume*b.Close)
	}
	if err := f.candles.Seed(mk.m.Symbol, marketdata.Resolution5m, bars5m); err != nil {
		return fmt.Errorf("synthetic: seed history: %w", err)
	}
	if err := f.candles.Seed(mk.m.Symbol, marketdata.Resolution4h, aggregate(bars5m, marketdata.Resolution4h)); err != nil {
		return fmt.Errorf("synthetic: seed history: %w", err)
	}
	return nil
}

// Start returns the stream time of the first tick.
func (f *Feed) Start() time.Time { return f.cfg.Start }

// Markets returns the markets the feed trades.
func (f *Feed) Markets(context.Context) ([]arena.Market, error) {
	return slices.Clone(f.cfg.Markets), nil
}

// Run emits ticks until ctx ends or Config.Ticks have been emitted. In each
// tick, symbols come in market order, and for each: trade prints, the book
// update (a snapshot on tick 0 and every SnapshotEvery ticks, otherwise the
// changed levels), then market stats every StatsEvery ticks.
func (f *Feed) Run(ctx context.Context, sink marketdata.Sink) error {
	if !f.ran.CompareAndSwap(false, true) {
		return errors.New("synthetic: Run called twice")
	}
	var buf []marketdata.Message
	for n := 0; f.cfg.Ticks == 0 || n < f.cfg.Ticks; n++ {
		t := f.cfg.Start.Add(time.Duration(n) * f.cfg.Interval)
		if err := f.wait(ctx, t); err != nil {
			return err
		}
		for _, mk := range f.markets {
			buf = mk.tick(buf[:0], n, t, f.cfg.Interval, f.cfg.SnapshotEvery, f.cfg.StatsEvery)
			if err := f.deliver(ctx, sink, mk, t, buf); err != nil {
				return err
			}
		}
	}
	return nil
}

// wait blocks until stream time t on the clock (unless Fast).
func (f *Feed) wait(ctx context.Context, t time.Time) error {
	if err := ctx.Err(); err != nil || f.cfg.Fast {
		return err
	}
	d := t.Sub(f.cfg.Clock.Now())
	if d <= 0 {
		return nil
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-f.cfg.Clock.After(d):
		return nil
	}
}

// deliver updates the history from a tick's messages, then hands them on.
func (f *Feed) deliver(ctx context.Context, sink marketdata.Sink, mk *market, t time.Time, msgs []marketdata.Message) error {
	sym := mk.m.Symbol
	for _, m := range msgs {
		switch m.Kind {
		case marketdata.KindTrade:
			f.candles.Observe(sym, m.Trade.Time, m.Trade.Price.Float64(), m.Trade.Size.Float64())
		case marketdata.KindStats:
			f.mu.Lock()
			f.stats[sym] = m.Stats
			f.mu.Unlock()
		}
	}
	f.candles.Observe(sym, t, mk.bookMid(), 0)
	for _, m := range msgs {
		if err := m.Deliver(ctx, sink); err != nil {
			return fmt.Errorf("synthetic: deliver %s %s: %w", m.Kind, sym, err)
		}
	}
	return nil
}

// Candles returns the last n bars of symbol at res (Resolution5m: up to 300,
// Resolution4h: up to 100), oldest first, the last one in progress.
func (f *Feed) Candles(_ context.Context, symbol arena.Symbol, res time.Duration, n int) ([]arena.Candle, error) {
	if err := f.known(symbol); err != nil {
		return nil, err
	}
	return f.candles.Candles(symbol, res, n)
}

// Stats returns the latest market stats of symbol (before Run, those at Start).
func (f *Feed) Stats(_ context.Context, symbol arena.Symbol) (arena.MarketStats, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.stats[symbol]
	if !ok {
		return s, arena.Errorf(arena.CodeInvalid, "unknown symbol %q", string(symbol))
	}
	return s, nil
}

func (f *Feed) known(symbol arena.Symbol) error {
	if _, err := arena.MarketBySymbol(f.cfg.Markets, symbol); err != nil {
		return err
	}
	return nil
}
