// Package agenttest runs the agents' surroundings for tests: a Trader over
// the real in-memory exchange that persists every batch to PostgreSQL
// before it answers (as the durable simulator does), fed with books from
// the synthetic market so fills really happen, and a seeded arena on the
// test databases.
package agenttest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/postgres"
	"github.com/autonome-go/autonome/worker/internal/exchange"
	"github.com/autonome-go/autonome/worker/internal/marketdata"
	"github.com/autonome-go/autonome/worker/internal/marketdata/synthetic"
)

// Exchange is an agent.Trader over exchange.Exchange. Mutating calls are
// serialised and return after the batches they caused are written with
// postgres.WriteBatch.
type Exchange struct {
	ex   *exchange.Exchange
	rec  *exchange.Recorder
	pool *pgxpool.Pool

	mu   sync.Mutex
	last time.Time
	fail error // returned by the next mutating call, once
}

// FeedTicks is how many synthetic ticks build the books and the history.
const FeedTicks = 240

// NewExchange opens an account for each of accounts (which must have
// "Accounts" rows with the default capital), and feeds the books with a
// seeded synthetic market ending now. The market is returned as the
// agents' history.
func NewExchange(t testing.TB, pool *pgxpool.Pool, seed uint64, accounts []string) (*Exchange, *synthetic.Feed) {
	t.Helper()
	rec := exchange.NewRecorder()
	cfg := exchange.DefaultConfig()
	cfg.TakerLatency, cfg.MakerLatency, cfg.StaleAfter, cfg.Sink = 0, 0, 0, rec
	ex, err := exchange.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range accounts {
		if err := ex.OpenAccount(id); err != nil {
			t.Fatal(err)
		}
	}
	const tick = 500 * time.Millisecond
	start := time.Now().Add(-FeedTicks * tick).Truncate(tick)
	feed, err := synthetic.New(synthetic.Config{Seed: seed, Fast: true, Ticks: FeedTicks, Start: start, Interval: tick})
	if err != nil {
		t.Fatal(err)
	}
	e := &Exchange{ex: ex, rec: rec, pool: pool}
	sink := marketdata.SinkFunc(func(_ context.Context, m marketdata.Message) error {
		switch m.Kind {
		case marketdata.KindBook:
			_ = ex.ApplyBook(m.Book.Time, m.Book)
		case marketdata.KindTrade:
			_ = ex.ApplyTrade(m.Trade.Time, m.Trade)
		case marketdata.KindStats:
			_ = ex.ApplyStats(m.Stats.Time, m.Stats)
		}
		e.last = m.Time()
		return nil
	})
	if err := feed.Run(context.Background(), sink); err != nil {
		t.Fatal(err)
	}
	if err := e.persist(context.Background()); err != nil {
		t.Fatal(err)
	}
	return e, feed
}

// FailNext makes the next mutating call fail with err before it reaches
// the exchange.
func (e *Exchange) FailNext(err error) {
	e.mu.Lock()
	e.fail = err
	e.mu.Unlock()
}

// Exchange returns the exchange, to inspect.
func (e *Exchange) Exchange() *exchange.Exchange { return e.ex }

// now is the exchange clock: wall time, never behind the last feed message.
func (e *Exchange) now() time.Time {
	n := time.Now()
	if n.Before(e.last) {
		return e.last
	}
	e.last = n
	return n
}

// persist writes the recorded batches in order.
func (e *Exchange) persist(ctx context.Context) error {
	for _, b := range e.rec.Drain() {
		if _, err := postgres.WriteBatch(ctx, e.pool, &b); err != nil {
			return fmt.Errorf("persist batch %d: %w", b.Seq, err)
		}
	}
	return nil
}

func (e *Exchange) mutate(ctx context.Context, fn func(now time.Time) error) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.fail; err != nil {
		e.fail = nil
		return err
	}
	err := fn(e.now())
	if perr := e.persist(ctx); perr != nil {
		return perr
	}
	return err
}

// Markets implements agent.Trader.
func (e *Exchange) Markets() []arena.Market { return e.ex.Markets() }

// Prices implements agent.Trader.
func (e *Exchange) Prices() []arena.Price { return e.ex.Prices() }

// Snapshot implements agent.Trader.
func (e *Exchange) Snapshot(id string) (arena.AccountSnapshot, error) { return e.ex.Snapshot(id) }

// Snapshots implements agent.Trader.
func (e *Exchange) Snapshots() []arena.AccountSnapshot { return e.ex.Snapshots() }

// PlaceOrder implements agent.Trader.
func (e *Exchange) PlaceOrder(ctx context.Context, req arena.OrderRequest) (o arena.Order, err error) {
	perr := e.mutate(ctx, func(now time.Time) error { o, err = e.ex.SubmitOrder(now, req); return nil })
	if perr != nil {
		return arena.Order{}, perr
	}
	return o, err
}

// ClosePosition implements agent.Trader.
func (e *Exchange) ClosePosition(ctx context.Context, account, orderID string, sym arena.Symbol) (o arena.Order, err error) {
	perr := e.mutate(ctx, func(now time.Time) error { o, err = e.ex.ClosePosition(now, account, orderID, sym); return nil })
	if perr != nil {
		return arena.Order{}, perr
	}
	return o, err
}

// UpdateExitPlan implements agent.Trader.
func (e *Exchange) UpdateExitPlan(ctx context.Context, account string, sym arena.Symbol, plan arena.ExitPlan) (p arena.Position, err error) {
	perr := e.mutate(ctx, func(now time.Time) error { p, err = e.ex.UpdateExitPlan(now, account, sym, plan); return nil })
	if perr != nil {
		return arena.Position{}, perr
	}
	return p, err
}

// ResetAccount implements agent.Trader.
func (e *Exchange) ResetAccount(ctx context.Context, account string) error {
	return e.mutate(ctx, func(now time.Time) error { return e.ex.ResetAccount(now, account) })
}
