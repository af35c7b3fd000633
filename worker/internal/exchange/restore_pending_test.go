package exchange

import (
	"testing"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

// TestRestoredPendingOrderWaitsForItsMarket: an order still travelling to
// the engine when the worker stopped is restored as pending. Its due time
// passes before the restarted feed has brought its market's book; it must
// not be rejected for lack of market data (its client could never resolve
// it), but execute once the market is live again.
func TestRestoredPendingOrderWaitsForItsMarket(t *testing.T) {
	lat := func(c *Config) { c.TakerLatency = 100 * time.Millisecond }
	h := newHarness(t, lat)
	h.snap("BTC", "99.9:5", "100:5")
	if o := h.mustSubmit(mkt("late", arena.Long, "1")); o.State != arena.OrderPending {
		t.Fatalf("submitted %+v", o)
	}
	st := h.ex.Export()

	r := newHarness(t, lat, "x")
	ex, err := New(r.ex.cfg)
	if err != nil {
		t.Fatal(err)
	}
	r.ex = ex
	if err := ex.Restore(st); err != nil {
		t.Fatal(err)
	}
	r.now = h.now
	ex.Advance(r.step(time.Second)) // due, but no BTC book yet
	if o, _ := ex.Order("a", "late"); o.State != arena.OrderPending {
		t.Fatalf("before the market is live: %+v", o)
	}
	r.snap("ETH", "9.99:5", "10:5") // another market's book does not release it
	if o, _ := ex.Order("a", "late"); o.State != arena.OrderPending {
		t.Fatalf("after another market's book: %+v", o)
	}
	r.snap("BTC", "99.9:5", "100.1:5")
	o, err := ex.Order("a", "late")
	if err != nil || o.State != arena.OrderFilled || o.AvgPrice != fx("100.1") {
		t.Fatalf("once the market is live: %+v, %v", o, err)
	}
	r.checkLedgerFrom(st)
}

// checkLedgerFrom verifies every restored account's records from its
// restored opening ledger.
func (h *harness) checkLedgerFrom(st arena.ExchangeState) {
	h.t.Helper()
	for _, as := range st.Accounts {
		got, err := arena.CheckLedgerFrom(as.AccountID, arena.OpeningLedger(as), h.rec.Batches())
		if err != nil {
			h.t.Fatalf("ledger of %s: %v", as.AccountID, err)
		}
		if s := h.snapshot(as.AccountID); got.Cash != s.Cash || got.Fees != s.Fees {
			h.t.Fatalf("ledger of %s recomputed %+v, account %+v", as.AccountID, got, s)
		}
	}
}
