package exchange

import (
	"testing"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

// A feed's resynchronisation (a snapshot of every book at once, as after a
// reconnect or a restart) is applied as one step: a hedged account whose
// markets both moved is judged on both new books, not liquidated on a mix of
// a new book and an old one (found by the crash-equivalence test, where the
// restarted run has no old books to mix).
func TestResyncJudgesAccountsOnEveryNewBook(t *testing.T) {
	setup := func() *harness {
		h := newHarness(t, nil, "a")
		st := h.ex.Export()
		st.Time = h.now
		a := &st.Accounts[0]
		a.Cash, a.RealizedPnL = fx("2000"), fx("-8000")
		a.Positions = []arena.Position{
			{ID: "p1", AccountID: "a", Symbol: "BTC", Side: arena.Long, Quantity: fx("10"), EntryPrice: fx("1000"), Leverage: fx("5"), Status: arena.PositionOpen},
			{ID: "p2", AccountID: "a", Symbol: "ETH", Side: arena.Short, Quantity: fx("100"), EntryPrice: fx("100"), Leverage: fx("5"), Status: arena.PositionOpen},
		}
		r := restoreInto(t, h, st)
		r.snap("BTC", "999.9:50", "1000.1:50")
		r.snap("ETH", "99.99:500", "100.01:500")
		return r
	}
	// BTC −12%, ETH −12%: the long loses 1 200, the short gains 1 200.
	down := []arena.BookUpdate{
		{Symbol: "BTC", Snapshot: true, Bids: levels("879.9:50"), Asks: levels("880.1:50")},
		{Symbol: "ETH", Snapshot: true, Bids: levels("87.99:500"), Asks: levels("88.01:500")},
	}

	h := setup()
	if err := h.ex.ApplyBooks(h.step(time.Second), down); err != nil {
		t.Fatal(err)
	}
	for _, b := range h.rec.Batches() {
		if len(b.Liquidations)+len(b.Fills) > 0 {
			t.Fatalf("a hedged account was liquidated by a resync: %+v", b)
		}
	}
	if s := h.snapshot("a"); len(s.Positions) != 2 || s.Equity < s.MaintenanceMargin {
		t.Fatalf("after the resync: %+v", s)
	}

	// The same books one at a time: between them the account is judged on
	// BTC's new book and ETH's old one (equity 800 < maintenance 940).
	h = setup()
	for _, u := range down {
		if err := h.ex.ApplyBook(h.step(time.Millisecond), u); err != nil {
			t.Fatal(err)
		}
	}
	liquidated := false
	for _, b := range h.rec.Batches() {
		liquidated = liquidated || len(b.Liquidations) > 0
	}
	if !liquidated {
		t.Fatal("one book at a time no longer shows the mixed picture this test is about")
	}
}
