package exchange

import (
	"testing"
	"time"

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

// A venue account gets no simulated funding: the venue's payments are
// booked instead, on its position (or on the account once the position is
// closed), with their ref, the ledger identity intact; a simulated account
// beside it keeps the simulator's hourly funding.
func TestVenueFundingReplacesSimulatedFunding(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.VenueAccounts = []string{"live"} }, "live", "sim")
	h.snap("BTC", "99.9:10", "100.1:10")
	for _, acct := range []string{"live", "sim"} {
		if _, err := h.ex.BookVenueFill(h.now, VenueFill{AccountID: acct, OrderID: "open-" + acct, Symbol: "BTC", Side: arena.Long,
			Price: fx("100"), Quantity: fx("2"), Leverage: fx("2")}); err != nil {
			t.Fatal(err)
		}
	}
	if err := h.ex.ApplyStats(h.step(time.Millisecond), arena.MarketStats{Symbol: "BTC", MarkPrice: fx("100"), FundingRate: fx("0.001")}); err != nil {
		t.Fatal(err)
	}
	h.snap("BTC", "99.9:10", "100.1:10")
	h.ex.Advance(t0.Add(time.Hour)) // crosses 13:00
	var simulated []arena.FundingPayment
	for _, b := range h.rec.Batches() {
		simulated = append(simulated, b.Funding...)
	}
	if len(simulated) != 1 || simulated[0].AccountID != "sim" || simulated[0].Amount != fx("-0.2") {
		t.Fatalf("simulated funding = %+v, want only the simulated account's", simulated)
	}
	before := h.snapshot("live").Cash
	pay, err := h.ex.BookVenueFunding(h.step(time.Millisecond), VenueFunding{AccountID: "live", Symbol: "BTC", Ref: "lighter:77",
		Amount: fx("-0.1934"), Rate: fx("0.00096")})
	if err != nil {
		t.Fatal(err)
	}
	if pay.VenueRef != "lighter:77" || pay.PositionID == "" || pay.Quantity != fx("2") || pay.CashAfter != before-fx("0.1934") {
		t.Fatalf("payment = %+v", pay)
	}
	if p, _ := h.position("live", "BTC"); p.Funding != fx("-0.1934") {
		t.Fatalf("position funding = %s", p.Funding)
	}
	if _, err := h.ex.BookVenueFill(h.step(time.Millisecond), VenueFill{AccountID: "live", OrderID: "close", Symbol: "BTC", Side: arena.Short,
		Price: fx("101"), Quantity: fx("2")}); err != nil {
		t.Fatal(err)
	}
	late, err := h.ex.BookVenueFunding(h.step(time.Millisecond), VenueFunding{AccountID: "live", Symbol: "BTC", Ref: "lighter:78", Amount: fx("0.05")})
	if err != nil || late.PositionID != "" {
		t.Fatalf("funding after the close: %+v, %v", late, err)
	}
	s := h.snapshot("live")
	if s.Funding != fx("-0.1434") || s.Cash != fx("10000")+fx("2")-fx("0.1434") {
		t.Fatalf("live account: funding %s, cash %s", s.Funding, s.Cash)
	}
	h.checkLedger("live")
	h.checkLedger("sim")
	for _, bad := range []VenueFunding{{AccountID: "live", Symbol: "BTC", Amount: fx("1")}, {AccountID: "nobody", Symbol: "BTC", Ref: "x"},
		{AccountID: "live", Symbol: "DOGE", Ref: "y"}} {
		if _, err := h.ex.BookVenueFunding(h.now, bad); err == nil {
			t.Errorf("BookVenueFunding(%+v) = nil", bad)
		}
	}
}
