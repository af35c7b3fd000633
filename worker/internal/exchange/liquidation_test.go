package exchange

import (
	"testing"

	"github.com/autonome-go/autonome/shared/arena"
)

// openLeveraged opens 950 BTC long at 100 on 10 000 of capital (9.5x):
// equity = 10000 − 47.5 (fee) + 950(m − 100), maintenance = 47.5m, so the
// account is liquidatable once the mark is below 85047.5 / 902.5 ≈ 94.2355.
func openLeveraged(t *testing.T, h *harness) {
	t.Helper()
	h.snap("BTC", "99.9:2000", "100:2000")
	h.mustSubmit(mkt("big", arena.Long, "950"))
}

func TestLiquidationClosesThroughTheBook(t *testing.T) {
	h := newHarness(t, nil)
	openLeveraged(t, h)
	h.snap("BTC", "95:2000", "95.2:2000") // mid 95.1: still above
	if _, ok := h.position("a", "BTC"); !ok {
		t.Fatal("liquidated too early")
	}
	s := h.snapshot("a")
	p := s.Positions[0]
	if p.LiquidationPrice != fx("94.23545706") {
		t.Fatalf("liquidation price estimate %s", p.LiquidationPrice)
	}
	h.snap("BTC", "93.9:500, 93.8:2000", "94.1:2000") // mid 94.0
	if _, ok := h.position("a", "BTC"); ok {
		t.Fatal("not liquidated")
	}
	var liq []arena.Liquidation
	for _, b := range h.rec.Batches() {
		liq = append(liq, b.Liquidations...)
	}
	if len(liq) != 1 {
		t.Fatalf("liquidations %+v", liq)
	}
	// Closed 500 at 93.9 and 450 at 93.8.
	notional := fx("46950") + fx("42210")
	if liq[0].ClosedNotional != notional || liq[0].Fee != notional.Mul(fx("0.005")) {
		t.Fatalf("liquidation %+v", liq[0])
	}
	pos := h.positions("big")
	if last := pos[len(pos)-1]; last.Status != arena.PositionClosed || last.CloseTrigger != arena.TriggerLiquidation {
		t.Fatalf("closed position %+v", last)
	}
	for _, f := range h.fills("") {
		if f.OrderID != "big" && f.Trigger != arena.TriggerLiquidation {
			t.Fatalf("liquidation fill without trigger %+v", f)
		}
	}
	if s := h.snapshot("a"); s.Cash <= 0 || s.Insurance != 0 {
		t.Fatalf("after liquidation: %+v", s)
	}
	h.checkLedger("a")
}

func TestLiquidationShortfallGoesToInsurance(t *testing.T) {
	h := newHarness(t, nil)
	openLeveraged(t, h)
	h.snap("BTC", "85:2000", "85.2:2000") // a gap far through zero equity
	s := h.snapshot("a")
	if len(s.Positions) != 0 || s.Cash != 0 || s.Insurance <= 0 {
		t.Fatalf("after a bankrupt liquidation: %+v", s)
	}
	var ins []arena.InsuranceEntry
	var liq []arena.Liquidation
	for _, b := range h.rec.Batches() {
		ins = append(ins, b.Insurance...)
		liq = append(liq, b.Liquidations...)
	}
	if len(ins) != 1 || ins[0].Amount != s.Insurance || liq[0].Fee != 0 {
		t.Fatalf("insurance %+v liquidation %+v", ins, liq)
	}
	// loss 950 × (100 − 85) = 14250 plus taker fees 47.5 and 40.375, on 10 000
	// of capital; no liquidation fee is left to charge.
	want := fx("14250") + fx("47.5") + fx("40.375") - arena.FixedInt(10_000)
	if s.Insurance != want {
		t.Fatalf("shortfall %s, want %s", s.Insurance, want)
	}
	h.checkLedger("a")
}

func TestLiquidationWaitsForDepthAndRetries(t *testing.T) {
	h := newHarness(t, nil)
	openLeveraged(t, h)
	h.snap("BTC", "92.9:100", "93.1:2000") // only 100 of bids
	s := h.snapshot("a")
	if len(s.Positions) != 1 || s.Positions[0].Quantity != fx("850") || s.Equity >= s.MaintenanceMargin {
		t.Fatalf("partial liquidation should leave 850 still under maintenance: %+v", s)
	}
	h.snap("BTC", "92.9:2000", "93.1:2000") // same mark, more depth: retried
	if _, ok := h.position("a", "BTC"); ok {
		t.Fatal("liquidation not retried")
	}
	h.checkLedger("a")
}

func TestBandsDoNotMissCrossAccountMoves(t *testing.T) {
	// Two positions share one account's slack: moving both marks part of the
	// way must liquidate even though neither alone would.
	h := newHarness(t, nil)
	h.snap("BTC", "99.9:2000", "100:2000")
	h.snap("ETH", "9.99:20000", "10:20000")
	h.mustSubmit(mkt("b", arena.Long, "475"))
	h.mustSubmit(arena.OrderRequest{AccountID: "a", OrderID: "e", Symbol: "ETH", Side: arena.Long, Type: arena.OrderMarket, Quantity: fx("4750"), Leverage: fx("10")})
	for i, mid := range []string{"98", "97", "96", "95", "94.5", "94", "93.5"} {
		m := fx(mid)
		h.snap("BTC", (m-fx("0.1")).String()+":2000", (m+fx("0.1")).String()+":2000")
		em := m.Div(fx("10")).RoundTo(fx("0.01"))
		h.snap("ETH", (em-fx("0.01")).String()+":20000", (em+fx("0.01")).String()+":20000")
		s := h.snapshot("a")
		if len(s.Positions) > 0 && s.Equity < s.MaintenanceMargin {
			t.Fatalf("step %d: equity %s below maintenance %s but not liquidated", i, s.Equity, s.MaintenanceMargin)
		}
	}
	if s := h.snapshot("a"); len(s.Positions) != 0 {
		t.Fatalf("never liquidated: %+v", s)
	}
	h.checkLedger("a")
}
