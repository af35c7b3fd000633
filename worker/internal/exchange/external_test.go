package exchange

import (
	"testing"

	"github.com/autonome-go/autonome/shared/arena"
)

// TestVenueFillsBookLikeSimulatedOnes: fills reported by a real venue for a
// live account land in the same records as simulated fills, at the venue's
// price and fee, with the ledger identity intact; fills of one order add up.
func TestVenueFillsBookLikeSimulatedOnes(t *testing.T) {
	h := newHarness(t, nil)
	vf := func(id string, side arena.Side, qty, price, fee string) arena.Order {
		t.Helper()
		o, err := h.ex.BookVenueFill(h.now, VenueFill{AccountID: "a", OrderID: id, Symbol: "BTC", Side: side,
			Price: fx(price), Quantity: fx(qty), Fee: fx(fee), Leverage: fx("3")})
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	vf("open", arena.Long, "0.010", "60000", "0.12")
	o := vf("open", arena.Long, "0.005", "60300", "0.06") // a second partial fill of the same order
	if o.State != arena.OrderFilled || o.Filled != fx("0.015") || o.Quantity != fx("0.015") || o.AvgPrice != fx("60100") {
		t.Fatalf("order after two fills = %+v", o)
	}
	p, ok := h.position("a", "BTC")
	if !ok || p.Quantity != fx("0.015") || p.Side != arena.Long || p.EntryPrice != fx("60100") {
		t.Fatalf("position = %+v", p)
	}
	c := vf("close", arena.Short, "0.015", "61100", "0.2")
	if _, open := h.position("a", "BTC"); open || c.Filled != fx("0.015") {
		t.Fatalf("still open after the closing fill: %+v", c)
	}
	fills := h.fills("close")
	if len(fills) != 1 || fills[0].RealizedPnL != fx("15") || fills[0].Fee != fx("0.2") {
		t.Fatalf("closing fill = %+v", fills)
	}
	s := h.snapshot("a")
	if want := fx("10000") + fx("15") - fx("0.38"); s.Cash != want {
		t.Fatalf("cash = %s, want %s", s.Cash, want)
	}
	h.checkLedger("a")
	if _, err := h.ex.BookVenueFill(h.now, VenueFill{AccountID: "a", OrderID: "close", Symbol: "BTC", Side: arena.Long,
		Price: fx("1"), Quantity: fx("1")}); arena.ErrorCode(err) != arena.CodeConflict {
		t.Fatalf("fill on the other side of a known order: %v", err)
	}
}

// A live account's ledger can start from the venue's equity.
func TestResetAccountTo(t *testing.T) {
	h := newHarness(t, nil)
	if err := h.ex.ResetAccountTo(h.now, "a", fx("123.45")); err != nil {
		t.Fatal(err)
	}
	if s := h.snapshot("a"); s.Capital != fx("123.45") || s.Cash != fx("123.45") {
		t.Fatalf("after the reset: capital %s cash %s", s.Capital, s.Cash)
	}
	h.checkLedger("a")
	if err := h.ex.ResetAccountTo(h.now, "a", 0); arena.ErrorCode(err) != arena.CodeInvalid {
		t.Fatalf("zero capital: %v", err)
	}
}
