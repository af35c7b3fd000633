package simulator_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/postgres"
	"github.com/autonome-go/autonome/shared/testenv"
	"github.com/autonome-go/autonome/worker/internal/exchange"
	"github.com/autonome-go/autonome/worker/internal/marketdata"
	"github.com/autonome-go/autonome/worker/internal/marketdata/synthetic"
	"github.com/autonome-go/autonome/worker/internal/simulator"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// seeded returns a migrated database with n seeded accounts and their ids.
func seeded(t *testing.T, n int) (*pgxpool.Pool, string, []string) {
	t.Helper()
	pool, dbURL := testenv.Postgres(t)
	ctx := testenv.Context(t, 30*time.Second)
	if _, err := postgres.Seed(ctx, pool, arena.DefaultRoster()[:n], arena.FixedInt(10_000)); err != nil {
		t.Fatal(err)
	}
	var ids []string
	rows, err := pool.Query(ctx, `SELECT "id" FROM "Models" ORDER BY "name", "variant"`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		_ = rows.Scan(&id)
		ids = append(ids, id)
	}
	return pool, dbURL, ids
}

func exchangeConfig() exchange.Config {
	c := exchange.DefaultConfig()
	c.TakerLatency, c.MakerLatency, c.StaleAfter = 0, 0, 0
	return c
}

// start opens a simulator on pool and runs it until the test ends.
func start(t *testing.T, pool *pgxpool.Pool) (*simulator.Simulator, context.CancelFunc) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	sim, err := simulator.Open(ctx, pool, simulator.Options{Exchange: exchangeConfig(), Log: quiet})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- sim.Run(ctx) }()
	stop := func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("simulator run: %v", err)
		}
	}
	t.Cleanup(func() {
		select {
		case <-ctx.Done():
		default:
			stop()
		}
	})
	return sim, stop
}

// feedBooks drives n ticks of a seeded synthetic market into sink and
// returns the last book snapshot of each symbol.
func feedBooks(t *testing.T, sink marketdata.Sink, seed uint64, ticks int) map[arena.Symbol]arena.BookUpdate {
	t.Helper()
	f, err := synthetic.New(synthetic.Config{Seed: seed, Fast: true, Ticks: ticks,
		Start: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC), SnapshotEvery: 5})
	if err != nil {
		t.Fatal(err)
	}
	last := map[arena.Symbol]arena.BookUpdate{}
	books := map[arena.Symbol]*marketdata.Book{}
	tee := marketdata.Tee(sink, marketdata.SinkFunc(func(_ context.Context, m marketdata.Message) error {
		if m.Kind == marketdata.KindBook {
			b, ok := books[m.Book.Symbol]
			if !ok {
				b = marketdata.NewBook(m.Book.Symbol)
				books[m.Book.Symbol] = b
			}
			if err := b.Apply(m.Book); err == nil {
				last[m.Book.Symbol] = b.Snapshot(50)
			}
		}
		return nil
	}))
	if err := f.Run(context.Background(), tee); err != nil {
		t.Fatal(err)
	}
	return last
}

func order(acct, id string, sym arena.Symbol, side arena.Side, qty string) arena.OrderRequest {
	return arena.OrderRequest{AccountID: acct, OrderID: id, Symbol: sym, Side: side, Type: arena.OrderMarket,
		Quantity: arena.MustFixed(qty), Leverage: arena.FixedInt(2)}
}

// checkLedger verifies, from the database alone, that every account's cash
// equals its starting capital plus its journal, and that the open position
// rows match the exchange.
func checkLedger(t *testing.T, ctx context.Context, pool *pgxpool.Pool) {
	t.Helper()
	rows, err := pool.Query(ctx, `SELECT a."modelId", a."cash" - a."initialCapital" = COALESCE(SUM(l."amount"), 0)
		FROM "Accounts" a LEFT JOIN "LedgerEntries" l ON l."modelId" = a."modelId" AND l."epoch" = a."epoch"
		GROUP BY a."modelId", a."cash", a."initialCapital"`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var ok bool
		if err := rows.Scan(&id, &ok); err != nil {
			t.Fatal(err)
		}
		if !ok {
			t.Errorf("account %s: cash does not equal capital plus its ledger entries", id)
		}
	}
}

func TestTradesArePersistedAndReconcile(t *testing.T) {
	pool, _, ids := seeded(t, 2)
	ctx := testenv.Context(t, 60*time.Second)
	sim, _ := start(t, pool)
	feedBooks(t, sim, 7, 40)

	a, b := ids[0], ids[1]
	o, err := sim.PlaceOrder(ctx, order(a, "a-1", "BTC", arena.Long, "0.02"))
	if err != nil || o.State != arena.OrderFilled {
		t.Fatalf("buy BTC: %+v, %v", o, err)
	}
	if _, err := sim.PlaceOrder(ctx, order(b, "b-1", "ETH", arena.Short, "0.5")); err != nil {
		t.Fatalf("sell ETH: %v", err)
	}
	feedBooks(t, sim, 8, 20) // the market moves
	if _, err := sim.ClosePosition(ctx, a, "a-2", "BTC"); err != nil {
		t.Fatalf("close BTC: %v", err)
	}
	// The same client order id again does not trade again.
	again, err := sim.PlaceOrder(ctx, order(a, "a-1", "BTC", arena.Long, "0.02"))
	if err != nil || again.Seq != o.Seq {
		t.Fatalf("repeated order id traded again: %+v, %v", again, err)
	}

	var status, trigger string
	var qty, realized, fees string
	err = pool.QueryRow(ctx, `SELECT "status"::text, COALESCE("closeTrigger", ''), "quantity"::text, "realizedPnl"::text, "fees"::text
		FROM "Orders" WHERE "modelId" = $1 AND "symbol" = 'BTC'`, a).Scan(&status, &trigger, &qty, &realized, &fees)
	if err != nil {
		t.Fatal(err)
	}
	if status != "CLOSED" || qty != "0.02000000" || fees == "0.00000000" {
		t.Errorf("BTC trade row: status=%s qty=%s fees=%s", status, qty, fees)
	}
	var open int
	_ = pool.QueryRow(ctx, `SELECT count(*) FROM "Orders" WHERE "modelId" = $1 AND "status" = 'OPEN'`, b).Scan(&open)
	if open != 1 {
		t.Errorf("ETH short: %d open rows, want 1", open)
	}
	snap, _ := sim.Snapshot(a)
	var cash string
	_ = pool.QueryRow(ctx, `SELECT "cash"::text FROM "Accounts" WHERE "modelId" = $1`, a).Scan(&cash)
	if arena.MustFixed(cash) != snap.Cash {
		t.Errorf("database cash %s, exchange cash %s", cash, snap.Cash)
	}
	checkLedger(t, ctx, pool)
}

// A restarted simulator rebuilt from the database alone values every
// account exactly as the one before it did, at the same marks.
func TestRestoreIsExact(t *testing.T) {
	pool, _, ids := seeded(t, 3)
	ctx := testenv.Context(t, 60*time.Second)
	sim, stop := start(t, pool)
	feedBooks(t, sim, 11, 30)
	steps := []arena.OrderRequest{
		order(ids[0], "x1", "BTC", arena.Long, "0.03"),
		order(ids[0], "x2", "SOL", arena.Short, "4"),
		order(ids[1], "y1", "ETH", arena.Long, "1.2"),
		order(ids[2], "z1", "BTC", arena.Short, "0.01"),
	}
	for _, r := range steps {
		if _, err := sim.PlaceOrder(ctx, r); err != nil {
			t.Fatalf("%s: %v", r.OrderID, err)
		}
	}
	plan := arena.ExitPlan{Stop: arena.FixedInt(80_000), Target: arena.FixedInt(150_000), Invalidation: "trend breaks"}
	if _, err := sim.UpdateExitPlan(ctx, ids[0], "BTC", plan); err != nil {
		t.Fatalf("exit plan: %v", err)
	}
	last := feedBooks(t, sim, 12, 30)
	if _, err := sim.PlaceOrder(ctx, order(ids[1], "y2", "ETH", arena.Short, "0.5")); err != nil {
		t.Fatal(err)
	}
	before := sim.Snapshots()
	stop()

	sim2, _ := start(t, pool)
	for _, u := range last {
		if err := sim2.OnBook(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	after := sim2.Snapshots()
	if len(after) != len(before) {
		t.Fatalf("%d accounts after restore, %d before", len(after), len(before))
	}
	for i := range before {
		b, a := before[i], after[i]
		if a.AccountID != b.AccountID || a.Cash != b.Cash || a.Equity != b.Equity || a.RealizedPnL != b.RealizedPnL ||
			a.Fees != b.Fees || len(a.Positions) != len(b.Positions) {
			t.Errorf("account %s differs after restore:\n before cash=%s equity=%s realized=%s fees=%s positions=%d\n after  cash=%s equity=%s realized=%s fees=%s positions=%d",
				b.AccountID, b.Cash, b.Equity, b.RealizedPnL, b.Fees, len(b.Positions), a.Cash, a.Equity, a.RealizedPnL, a.Fees, len(a.Positions))
			continue
		}
		for j := range b.Positions {
			if a.Positions[j].Quantity != b.Positions[j].Quantity || a.Positions[j].EntryPrice != b.Positions[j].EntryPrice ||
				a.Positions[j].ExitPlan.Stop != b.Positions[j].ExitPlan.Stop {
				t.Errorf("position %s differs after restore", b.Positions[j].ID)
			}
		}
	}
	// The restored simulator keeps trading on the same ledger.
	if _, err := sim2.ClosePosition(ctx, ids[0], "x3", "BTC"); err != nil {
		t.Fatal(err)
	}
	checkLedger(t, ctx, pool)
}

// While PostgreSQL is unreachable nothing is acknowledged that a crash could
// lose: the order in flight waits for its write, new orders are refused, and
// everything queued is written once the database returns.
func TestDatabaseOutage(t *testing.T) {
	_, dbURL, ids := seeded(t, 1)
	u, _ := url.Parse(dbURL)
	proxy := testenv.NewProxy(t, u.Host)
	u.Host = proxy.Addr()
	ctx := testenv.Context(t, 60*time.Second)
	pool, err := postgres.Open(ctx, u.String(), postgres.Options{MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	sim, _ := start(t, pool)
	feedBooks(t, sim, 3, 20)
	if _, err := sim.PlaceOrder(ctx, order(ids[0], "o1", "BTC", arena.Long, "0.01")); err != nil {
		t.Fatal(err)
	}

	proxy.Cut()
	short, cancel := context.WithTimeout(ctx, 2*time.Second)
	_, err = sim.PlaceOrder(short, order(ids[0], "o2", "ETH", arena.Long, "0.1"))
	cancel()
	if arena.ErrorCode(err) != arena.CodeTimeout {
		t.Fatalf("order during outage: %v, want a timeout waiting for the ledger", err)
	}
	_, err = sim.PlaceOrder(ctx, order(ids[0], "o3", "SOL", arena.Long, "1"))
	if arena.ErrorCode(err) != arena.CodeUnavailable {
		t.Fatalf("new order during outage: %v, want unavailable", err)
	}

	proxy.Restore()
	testenv.WaitFor(t, 20*time.Second, func() error {
		var n int
		err := pool.QueryRow(ctx, `SELECT count(*) FROM "Orders" WHERE "symbol" = 'ETH'`).Scan(&n)
		if err != nil || n != 1 {
			return fmt.Errorf("queued batch not written after the database returned (n=%d, err=%v)", n, err)
		}
		return nil
	})
	if _, err := sim.PlaceOrder(ctx, order(ids[0], "o4", "SOL", arena.Long, "1")); err != nil {
		t.Fatalf("order after recovery: %v", err)
	}
	checkLedger(t, ctx, pool)
}

// With order latency, a close-position order is persisted while pending,
// before it knows its side, and again when it fills.
func TestLatentClosePersists(t *testing.T) {
	pool, _, ids := seeded(t, 1)
	ctx := testenv.Context(t, 60*time.Second)
	cfg := exchangeConfig()
	cfg.TakerLatency = 100 * time.Millisecond
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	sim, err := simulator.Open(runCtx, pool, simulator.Options{Exchange: cfg, Log: quiet})
	if err != nil {
		t.Fatal(err)
	}
	go sim.Run(runCtx)
	feedBooks(t, sim, 9, 20)
	if _, err := sim.PlaceOrder(ctx, order(ids[0], "l1", "SOL", arena.Long, "2")); err != nil {
		t.Fatal(err)
	}
	o, err := sim.ClosePosition(ctx, ids[0], "l2", "SOL")
	if err != nil || o.State != arena.OrderFilled || o.Side != arena.Short {
		t.Fatalf("close: %+v, %v", o, err)
	}
	// Its row learns the quantity it was sized to when it executed: the
	// filled quantity never exceeds the row's quantity.
	var qty, filled string
	if err := pool.QueryRow(ctx, `SELECT "quantity"::text, "filledQty"::text FROM "SimOrders" WHERE "id" = 'l2'`).Scan(&qty, &filled); err != nil {
		t.Fatal(err)
	}
	if arena.MustFixed(qty) != arena.FixedInt(2) || arena.MustFixed(filled) != arena.FixedInt(2) {
		t.Fatalf("latent close row: quantity %s, filled %s; want 2 and 2", qty, filled)
	}
	// Nothing to close: rejected, and the rejection is persisted too.
	if _, err := sim.ClosePosition(ctx, ids[0], "l3", "SOL"); arena.ErrorCode(err) != arena.CodeRejected {
		t.Fatalf("close of nothing: %v", err)
	}
	var side *string
	var status string
	if err := pool.QueryRow(ctx, `SELECT "side"::text, "status" FROM "SimOrders" WHERE "id" = 'l3'`).Scan(&side, &status); err != nil {
		t.Fatal(err)
	}
	if side != nil || status != "REJECTED" {
		t.Fatalf("rejected close row: side=%v status=%s", side, status)
	}
	checkLedger(t, ctx, pool)
}
