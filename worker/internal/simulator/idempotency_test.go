package simulator_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/testenv"
)

// A client order id is remembered the same before and after a restart, and
// for good: resending one used hundreds of orders ago (past the exchange's
// in-memory window) answers the recorded outcome instead of trading again,
// before and after a restart, and an id reused for a different order is a
// conflict.
func TestClientOrderIDsAreRememberedAcrossRestarts(t *testing.T) {
	pool, _, ids := seeded(t, 1)
	ctx := testenv.Context(t, 120*time.Second)
	sim, stop := start(t, pool)
	feedBooks(t, sim, 21, 20)
	acct := ids[0]
	first := order(acct, "first", "BTC", arena.Long, "0.01")
	want, err := sim.PlaceOrder(ctx, first)
	if err != nil {
		t.Fatal(err)
	}
	// More finished orders than the exchange keeps in memory (1024).
	for i := range 1100 {
		side := arena.Long
		if i%2 == 1 {
			side = arena.Short
		}
		if _, err := sim.PlaceOrder(ctx, order(acct, fmt.Sprintf("o%d", i), "SOL", side, "0.1")); err != nil {
			t.Fatalf("order %d: %v", i, err)
		}
	}
	fills := func() int {
		var n int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM "LedgerEntries" WHERE "modelId" = $1 AND "kind" = 'FILL'`, acct).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	check := func(when string) {
		t.Helper()
		before := fills()
		got, err := sim.PlaceOrder(ctx, first)
		if err != nil {
			t.Fatalf("%s: resend: %v", when, err)
		}
		if got.OrderID != want.OrderID || got.State != want.State || got.Filled != want.Filled || got.AvgPrice != want.AvgPrice {
			t.Fatalf("%s: resend answered %+v, want the recorded %+v", when, got, want)
		}
		if after := fills(); after != before {
			t.Fatalf("%s: the resend traded again (%d fill entries, %d before)", when, after, before)
		}
		other := first
		other.Quantity = arena.MustFixed("0.02")
		if _, err := sim.PlaceOrder(ctx, other); arena.ErrorCode(err) != arena.CodeConflict {
			t.Fatalf("%s: the id reused for another order: err = %v, want a conflict", when, err)
		}
	}
	check("before a restart")
	stop()
	sim, _ = start(t, pool)
	feedBooks(t, sim, 22, 5)
	check("after a restart")
	checkLedger(t, ctx, pool)
}
