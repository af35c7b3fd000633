package simulator_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/testenv"
	"github.com/autonome-go/autonome/worker/internal/simulator"
)

// fakeClock is a settable clock for the simulator.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) set(t time.Time)     { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *fakeClock) add(d time.Duration) { c.set(c.now().Add(d)) }

func startAt(t *testing.T, sim func() (*simulator.Simulator, error)) (*simulator.Simulator, func()) {
	t.Helper()
	s, err := sim()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("simulator run: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	return s, stop
}

// fundingFixture is a running simulator whose one account holds 0.1 BTC
// long at 100 000, with a funding rate of 0.0001 per hour.
type fundingFixture struct {
	ctx   context.Context
	pool  *pgxpool.Pool
	clock *fakeClock
	open  func() (*simulator.Simulator, error)
	sim   *simulator.Simulator
	stop  func()
}

func holdBTC(t *testing.T, start time.Time) fundingFixture {
	pool, _, ids := seeded(t, 1)
	f := fundingFixture{ctx: testenv.Context(t, 60*time.Second), pool: pool, clock: &fakeClock{t: start}}
	f.open = func() (*simulator.Simulator, error) {
		return simulator.Open(f.ctx, pool, simulator.Options{Exchange: exchangeConfig(), Log: quiet, Now: f.clock.now})
	}
	f.sim, f.stop = startAt(t, f.open)
	book := arena.BookUpdate{Symbol: "BTC", Snapshot: true,
		Bids: []arena.Level{{Price: arena.FixedInt(99_990), Size: arena.FixedInt(5)}},
		Asks: []arena.Level{{Price: arena.FixedInt(100_010), Size: arena.FixedInt(5)}}}
	_ = f.sim.OnBook(f.ctx, book)
	_ = f.sim.OnStats(f.ctx, arena.MarketStats{Symbol: "BTC", FundingRate: arena.MustFixed("0.0001"), MarkPrice: arena.FixedInt(100_000)})
	if _, err := f.sim.PlaceOrder(f.ctx, order(ids[0], "hold", "BTC", arena.Long, "0.1")); err != nil {
		t.Fatal(err)
	}
	return f
}

// A position held across an hour boundary while the worker is down pays
// that hour's funding once, at the last rate and mark known before the
// restart, even though the feed has not brought new ones yet.
func TestFundingAcrossARestart(t *testing.T) {
	f := holdBTC(t, time.Date(2026, 3, 1, 12, 59, 0, 0, time.UTC))
	ctx, pool, clock, open, stop := f.ctx, f.pool, f.clock, f.open, f.stop
	clock.add(30 * time.Second) // 12:59:30
	stop()

	clock.set(time.Date(2026, 3, 1, 13, 0, 5, 0, time.UTC)) // the worker comes back after the hour
	_, stop2 := startAt(t, open)
	var n int
	var amount string
	testenv.WaitFor(t, 5*time.Second, func() error {
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM "LedgerEntries" WHERE "kind" = 'FUNDING'`).Scan(&n); err != nil || n == 0 {
			return fmt.Errorf("no funding entry after the restart (err %v)", err)
		}
		return nil
	})
	stop2()
	if err := pool.QueryRow(ctx, `SELECT count(*), COALESCE(SUM("amount"), 0)::text FROM "LedgerEntries" WHERE "kind" = 'FUNDING'`).Scan(&n, &amount); err != nil {
		t.Fatal(err)
	}
	// −(0.1 × 100 000 mid) × 0.0001 = −1
	if n != 1 || arena.MustFixed(amount) != arena.FixedInt(-1) {
		t.Fatalf("funding across the restart: %d entries, %s in all; want one of -1", n, amount)
	}

	_, stop3 := startAt(t, open) // and a second restart in the same hour pays nothing more
	time.Sleep(300 * time.Millisecond)
	stop3()
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM "LedgerEntries" WHERE "kind" = 'FUNDING'`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("after another restart in the same hour: %d funding entries (err %v), want 1", n, err)
	}
	checkLedger(t, ctx, pool)
}

// A funding rate and mark that arrive while a position is open, with no
// trade after them, still survive a restart: the hour that passes while the
// worker is down is settled at them, not at the older ones the last trade
// recorded (found by the crash-equivalence test).
func TestFundingRateArrivingAloneSurvivesARestart(t *testing.T) {
	f := holdBTC(t, time.Date(2026, 3, 1, 12, 58, 0, 0, time.UTC))
	ctx, pool, clock, open, sim, stop := f.ctx, f.pool, f.clock, f.open, f.sim, f.stop
	clock.add(30 * time.Second)
	_ = sim.OnStats(ctx, arena.MarketStats{Symbol: "BTC", FundingRate: arena.MustFixed("0.0003"), MarkPrice: arena.FixedInt(101_000)})
	clock.add(30 * time.Second) // 12:59:00
	stop()

	clock.set(time.Date(2026, 3, 1, 13, 0, 5, 0, time.UTC)) // back after the hour, before the feed
	_, stop2 := startAt(t, open)
	var n int
	var amount string
	testenv.WaitFor(t, 5*time.Second, func() error {
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM "LedgerEntries" WHERE "kind" = 'FUNDING'`).Scan(&n); err != nil || n == 0 {
			return fmt.Errorf("no funding entry yet (%v)", err)
		}
		return nil
	})
	stop2()
	if err := pool.QueryRow(ctx, `SELECT count(*), COALESCE(SUM("amount"), 0)::text FROM "LedgerEntries" WHERE "kind" = 'FUNDING'`).Scan(&n, &amount); err != nil {
		t.Fatal(err)
	}
	// −(0.1 × 101 000 venue mark) × 0.0003 = −3.03
	if n != 1 || arena.MustFixed(amount) != arena.MustFixed("-3.03") {
		t.Fatalf("funding across the restart: %d entries, %s in all; want one of -3.03 (the last rate and mark)", n, amount)
	}
	checkLedger(t, ctx, pool)
}
