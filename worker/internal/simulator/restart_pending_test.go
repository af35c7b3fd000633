package simulator_test

import (
	"context"
	"testing"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/testenv"
	"github.com/autonome-go/autonome/worker/internal/simulator"
)

// TestPendingOrderSurvivesARestart: an order still travelling to the engine
// when the worker stops is persisted as pending. After the restart it falls
// due before any market data has arrived; it waits for its market instead of
// being rejected, and a resend of its client order id answers the outcome
// the ledger holds: "still pending" until then, its fill afterwards.
func TestPendingOrderSurvivesARestart(t *testing.T) {
	pool, _, ids := seeded(t, 1)
	ctx := testenv.Context(t, 60*time.Second)
	cfg := exchangeConfig()
	cfg.TakerLatency = 400 * time.Millisecond
	open := func() (*simulator.Simulator, func()) {
		runCtx, cancel := context.WithCancel(ctx)
		sim, err := simulator.Open(runCtx, pool, simulator.Options{Exchange: cfg, Log: quiet})
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- sim.Run(runCtx) }()
		return sim, func() { cancel(); <-done }
	}
	sim, stop := open()
	feedBooks(t, sim, 4, 20)
	req := order(ids[0], "p1", "BTC", arena.Long, "0.01")
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	_, err := sim.PlaceOrder(short, req)
	cancel()
	if err == nil || arena.ErrorCode(err) == arena.CodeRejected {
		t.Fatalf("first answer %v, want no outcome yet while the order travels", err)
	}
	stop() // the worker stops with the order pending

	sim2, stop2 := open()
	defer stop2()
	time.Sleep(cfg.TakerLatency + 200*time.Millisecond) // due, and no market data yet
	short, cancel = context.WithTimeout(ctx, 200*time.Millisecond)
	o, err := sim2.PlaceOrder(short, req)
	cancel()
	if err == nil || arena.ErrorCode(err) == arena.CodeRejected || o.State == arena.OrderRejected {
		t.Fatalf("resend before the market is live: %+v, %v; want still pending", o, err)
	}
	feedBooks(t, sim2, 5, 5)
	o, err = sim2.PlaceOrder(ctx, req)
	if err != nil || o.State != arena.OrderFilled {
		t.Fatalf("resend once the market is live: %+v, %v", o, err)
	}
	var status string
	if err := pool.QueryRow(ctx, `SELECT "status" FROM "SimOrders" WHERE "id" = 'p1'`).Scan(&status); err != nil || status != "FILLED" {
		t.Fatalf("ledger holds %q (%v)", status, err)
	}
	checkLedger(t, ctx, pool)
}
