package agent

import (
	"context"
	"fmt"
	"math"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/indicators"
	"github.com/autonome-go/autonome/worker/internal/marketdata"
)

// Windows of the data a decision is shown.
const (
	standingsWindow = 7 * 24 * time.Hour // the leaderboard window of the competition section
	sharpeWindow    = 24 * time.Hour     // the equity history the Sharpe ratio is computed over
	cycleBuildLimit = 30 * time.Second   // a cycle's data must be gathered within this
	keptCycles      = 2                  // cycle slots whose data stays cached
)

// cycle is what every decision of one cycle slot shares: built once, by the
// first decision of the slot, and read-only afterwards.
type cycle struct {
	slot      time.Time
	asOf      time.Time
	market    *indicators.Snapshot
	markets   []arena.Market
	models    map[string]arena.AgentModel
	standings Standings          // best first
	closes    map[string][]int64 // 5-minute equity closes, cents
}

// cycleCache builds each slot's cycle once, however many decisions ask for
// it at the same time. A failed build is forgotten, so a retried decision
// builds again.
type cycleCache struct {
	build func(ctx context.Context, slot time.Time) (*cycle, error)

	mu      sync.Mutex
	entries map[int64]*cycleEntry
}

type cycleEntry struct {
	done chan struct{}
	c    *cycle
	err  error
}

func (cc *cycleCache) get(ctx context.Context, slot time.Time) (*cycle, error) {
	e := cc.start(ctx, slot)
	select {
	case <-e.done:
		return e.c, e.err
	case <-ctx.Done():
		return nil, fmt.Errorf("wait for the cycle's data: %w", ctx.Err())
	}
}

// start returns slot's entry, starting its build if there is none.
func (cc *cycleCache) start(ctx context.Context, slot time.Time) *cycleEntry {
	key := slot.Unix()
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if e, ok := cc.entries[key]; ok {
		return e
	}
	e := &cycleEntry{done: make(chan struct{})}
	cc.entries[key] = e
	cc.evict()
	// The build serves every decision of the slot, so it must not end
	// with the first caller's context.
	bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cycleBuildLimit)
	go func() {
		defer cancel()
		e.c, e.err = cc.build(bctx, slot)
		if e.err != nil {
			cc.mu.Lock()
			if cc.entries[key] == e {
				delete(cc.entries, key)
			}
			cc.mu.Unlock()
		}
		close(e.done)
	}()
	return e
}

// evict drops the oldest slots beyond keptCycles. Called with mu held.
func (cc *cycleCache) evict() {
	for len(cc.entries) > keptCycles {
		oldest := int64(math.MaxInt64)
		for k := range cc.entries {
			oldest = min(oldest, k)
		}
		delete(cc.entries, oldest)
	}
}

// buildCycle gathers the shared data of slot: market intelligence from the
// history (5-minute × 180 and 4-hour × 90 candles and the venue's
// statistics per market), the accounts as they stand, the models, their
// leaderboard window and equity history. A model's earlier decisions are
// read by its own decision, not here: they must include its decision of
// the slot before, which may end after this is built.
func (r *Runner) buildCycle(ctx context.Context, slot time.Time) (*cycle, error) {
	now := r.now()
	c := &cycle{slot: slot, asOf: now, markets: r.trader.Markets()}
	models, err := r.store.AgentModels(ctx)
	if err != nil {
		return nil, err
	}
	c.models = make(map[string]arena.AgentModel, len(models))
	ids := make([]string, 0, len(models))
	for _, m := range models {
		c.models[m.ID] = m
		ids = append(ids, m.ID)
	}
	var first map[string]arena.Fixed
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) { c.market, err = MarketSnapshot(gctx, r.history, now, c.markets); return })
	g.Go(func() (err error) {
		first, err = r.store.FirstEquitySince(gctx, ids, now.Add(-standingsWindow))
		return
	})
	g.Go(func() (err error) { c.closes, err = r.store.EquityCloses(gctx, ids, now.Add(-sharpeWindow)); return })
	if err := g.Wait(); err != nil {
		return nil, fmt.Errorf("gather cycle %s: %w", slot.UTC().Format(time.RFC3339), err)
	}
	c.standings = rankStandings(models, r.trader.Snapshots(), first)
	return c, nil
}

// MarketSnapshot builds a cycle's market intelligence from history: 5-minute
// × 180 and 4-hour × 90 candles and the venue's statistics per market.
func MarketSnapshot(ctx context.Context, history marketdata.History, now time.Time, markets []arena.Market) (*indicators.Snapshot, error) {
	in := make([]indicators.Input, len(markets))
	g, gctx := errgroup.WithContext(ctx)
	for i, m := range markets {
		in[i].Symbol = m.Symbol
		g.Go(func() (err error) {
			in[i].Intraday, err = history.Candles(gctx, m.Symbol, marketdata.Resolution5m, marketdata.Bars5m)
			if err != nil {
				return fmt.Errorf("%s 5m candles: %w", m.Symbol, err)
			}
			in[i].HigherTF, err = history.Candles(gctx, m.Symbol, marketdata.Resolution4h, marketdata.Bars4h)
			if err != nil {
				return fmt.Errorf("%s 4h candles: %w", m.Symbol, err)
			}
			if in[i].Stats, err = history.Stats(gctx, m.Symbol); err != nil {
				return fmt.Errorf("%s stats: %w", m.Symbol, err)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, fmt.Errorf("market history: %w", err)
	}
	return indicators.Build(now, in)
}
