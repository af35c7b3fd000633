package exchange

import (
	"testing"

	"github.com/autonome-go/autonome/shared/arena"
)

// A partly filled resting order that opens a position again after that
// position was closed opens a new row: the closed trade keeps its realized
// PnL and close trigger.
func TestReopeningNeverOverwritesAClosedTrade(t *testing.T) {
	h := newHarness(t, nil)
	h.snap("BTC", "100:3, 99:5", "101:5")
	h.mustSubmit(lmt("bid", arena.Long, "2", "100", arena.GTC))
	h.trade("BTC", "100", "4", false) // 3 ahead, 1 fills us: a position opens
	first, ok := h.position("a", "BTC")
	if !ok || first.Quantity != fx("1") {
		t.Fatalf("after the first fill: %+v", first)
	}
	h.mustSubmit(mkt("close", arena.Short, "1")) // at 100 (the bid): closes it
	if _, ok := h.position("a", "BTC"); ok {
		t.Fatal("the position did not close")
	}
	h.trade("BTC", "100", "5", false) // the rest of the resting order fills: a position opens again
	again, ok := h.position("a", "BTC")
	if !ok || again.Quantity != fx("1") {
		t.Fatalf("after the second fill: %+v", again)
	}
	if again.ID == first.ID {
		t.Fatalf("the reopened position reuses the closed trade's id %q", first.ID)
	}
	byID := map[string]arena.Position{}
	for _, b := range h.rec.Batches() {
		for _, p := range b.Positions {
			byID[p.ID] = p // the last version of each row
		}
	}
	closed := byID[first.ID]
	if closed.Status != arena.PositionClosed || closed.ClosedQuantity != fx("1") || closed.ExitPrice == 0 {
		t.Fatalf("the closed trade's row was overwritten: %+v", closed)
	}
	h.checkLedger("a")
}

// Two accounts using the same client order id open two distinct rows.
func TestPositionIDsAreUniqueAcrossAccounts(t *testing.T) {
	h := newHarness(t, nil, "a", "b")
	h.snap("BTC", "99.9:50", "100:50")
	h.mustSubmit(mkt("same", arena.Long, "1"))
	r := mkt("same", arena.Long, "1")
	r.AccountID = "b"
	h.mustSubmit(r)
	pa, _ := h.position("a", "BTC")
	pb, _ := h.position("b", "BTC")
	if pa.ID == pb.ID {
		t.Fatalf("both accounts' positions have id %q", pa.ID)
	}
}
