// Package broadcast publishes what the simulator changed on the positions,
// trades and workflow channels, in the reference's SSE payload shapes (the
// same shapes the API answers with, from shared/views). It is driven by the
// simulator's persisted batches, so it only ever announces what is already
// in PostgreSQL, and it refreshes positions periodically because their
// unrealized PnL moves with the marks.
package broadcast

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/views"
)

// Publisher is the event log (redis.EventLog).
type Publisher interface {
	Publish(ctx context.Context, ch arena.Channel, typ string, data any) (arena.Event, error)
	PublishState(ctx context.Context, ch arena.Channel, typ string, data, state any) (arena.Event, error)
}

// Reader reads the rows to shape (postgres.Reader).
type Reader interface {
	Models(ctx context.Context) ([]arena.Model, error)
	OpenPositions(ctx context.Context, ids []string) ([]arena.Position, error)
	Accounts(ctx context.Context, ids []string) ([]arena.Account, error)
	Trades(ctx context.Context, ids []string, limit int) ([]arena.Position, error)
}

// recentTrades is how many trades the trades channel's state holds.
const recentTrades = 100

// debounce groups the batches of a burst into one publication.
const debounce = 200 * time.Millisecond

// Prices is where marks come from (the simulator).
type Prices interface {
	Prices() []arena.Price
}

// Changes collects what the simulator's persisted batches changed until
// the broadcaster publishes it. It exists before the simulator (which is
// handed OnPersisted as a hook) and the broadcaster (which reads the
// simulator's prices), so the two are wired in a line, not a circle.
type Changes struct {
	mu        sync.Mutex
	positions bool     // positions changed since the last publication
	closed    []string // position ids closed since the last publication
	wake      chan struct{}
}

// NewChanges returns an empty set of changes.
func NewChanges() *Changes { return &Changes{wake: make(chan struct{}, 1)} }

// OnPersisted is the simulator hook: note what the batch changed.
func (c *Changes) OnPersisted(batch arena.Batch) {
	if len(batch.Positions) == 0 {
		return
	}
	c.mu.Lock()
	c.positions = true
	for _, p := range batch.Positions {
		if p.ClosedTrade() {
			c.closed = append(c.closed, p.ID)
		}
	}
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// take returns and forgets what changed.
func (c *Changes) take() (positions bool, closed []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	positions, closed = c.positions, c.closed
	c.positions, c.closed = false, nil
	return positions, closed
}

// putBack keeps what a failed publication did not send, for the next one.
func (c *Changes) putBack(closed []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.positions = true
	c.closed = append(closed, c.closed...)
}

// Broadcaster publishes positions and trades.
type Broadcaster struct {
	db      Reader
	prices  Prices
	pub     Publisher
	changes *Changes
	refresh time.Duration
	log     *slog.Logger

	failing bool // owned by Run
}

// New returns a Broadcaster of changes; refresh is how often positions are
// published even without a change (marks move).
func New(db Reader, prices Prices, pub Publisher, changes *Changes, refresh time.Duration, log *slog.Logger) *Broadcaster {
	return &Broadcaster{db: db, prices: prices, pub: pub, changes: changes, refresh: refresh, log: log}
}

// Run publishes until ctx is done.
func (b *Broadcaster) Run(ctx context.Context) error {
	tick := time.NewTicker(b.refresh)
	defer tick.Stop()
	b.publish(ctx, true) // the channels' state as of start-up
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
			b.publish(ctx, true)
		case <-b.changes.wake:
			select { // let the rest of a burst arrive
			case <-ctx.Done():
				return nil
			case <-time.After(debounce):
			}
			b.publish(ctx, false)
		}
	}
}

func (b *Broadcaster) publish(ctx context.Context, periodic bool) {
	positions, closed := b.changes.take()
	positions = positions || periodic || b.failing

	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	models, err := b.db.Models(ctx)
	if err == nil && positions {
		err = b.publishPositions(ctx, models)
	}
	if err == nil && len(closed) > 0 {
		err = b.publishTrades(ctx, models, closed)
	}
	if err == nil && len(closed) > 0 {
		_, err = b.pub.Publish(ctx, arena.ChannelWorkflow, arena.EventTradesChanged, map[string]any{
			"type": arena.EventTradesChanged, "timestamp": views.ISO(time.Now()), "positionIds": closed})
	}
	if err != nil {
		b.changes.putBack(closed) // try again with the next tick, nothing forgotten
	}
	switch {
	case err != nil && !b.failing:
		b.failing = true
		b.log.Error("publishing positions and trades failed; retrying", "err", err)
	case err == nil && b.failing:
		b.failing = false
		b.log.Info("publishing positions and trades recovered")
	}
}

func (b *Broadcaster) publishPositions(ctx context.Context, models []arena.Model) error {
	pos, err := b.db.OpenPositions(ctx, nil)
	if err != nil {
		return fmt.Errorf("read positions: %w", err)
	}
	accts, err := b.db.Accounts(ctx, nil)
	if err != nil {
		return fmt.Errorf("read accounts: %w", err)
	}
	cash := make(map[string]arena.Fixed, len(accts))
	for _, a := range accts {
		cash[a.AccountID] = a.Cash
	}
	marks := map[arena.Symbol]arena.Fixed{}
	for _, p := range b.prices.Prices() {
		marks[p.Symbol] = p.Price
	}
	out, err := views.Positions(models, pos, cash, marks)
	if err != nil {
		return err
	}
	_, err = b.pub.PublishState(ctx, arena.ChannelPositions, arena.EventPositionsUpdated, out, out)
	return err
}

// publishTrades sends the newly closed trades as the event and the latest
// trades as the channel's state.
func (b *Broadcaster) publishTrades(ctx context.Context, models []arena.Model, closed []string) error {
	rows, err := b.db.Trades(ctx, nil, recentTrades)
	if err != nil {
		return fmt.Errorf("read trades: %w", err)
	}
	byID := make(map[string]arena.Model, len(models))
	for _, m := range models {
		byID[m.ID] = m
	}
	state := make([]views.TradeItem, 0, len(rows))
	var fresh []views.TradeItem
	for i := range rows {
		item := views.Trade(&rows[i], byID[rows[i].AccountID])
		state = append(state, item)
		if slices.Contains(closed, rows[i].ID) {
			fresh = append(fresh, item)
		}
	}
	if len(fresh) == 0 && len(closed) > 0 {
		return nil // closed rows beyond the recent window: nothing new to show
	}
	_, err = b.pub.PublishState(ctx, arena.ChannelTrades, arena.EventTradesUpdated, fresh, state)
	return err
}
