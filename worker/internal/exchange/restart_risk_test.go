package exchange

import (
	"testing"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

// restoreInto builds a fresh exchange with h's configuration from st.
func restoreInto(t *testing.T, h *harness, st arena.ExchangeState) *harness {
	t.Helper()
	rec := NewRecorder()
	cfg := h.ex.cfg
	cfg.Sink = rec
	ex, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := ex.Restore(st); err != nil {
		t.Fatalf("restore: %v", err)
	}
	if b := rec.Batches(); len(b) != 0 {
		t.Fatalf("restore emitted %d batches: %+v", len(b), b)
	}
	return &harness{t: t, ex: ex, rec: rec, now: h.now}
}

// An account with positions in two markets, healthy as a whole (its cash is
// negative, carried by the open profit of its BTC long; its ETH short is
// losing), survives a restart at unchanged prices whatever book arrives
// first: no risk action runs while any of its markets has no mark.
func TestRestartDoesNotLiquidateOnAPartialPicture(t *testing.T) {
	books := map[arena.Symbol][2]string{"BTC": {"999.9:50", "1000:50"}, "ETH": {"104.99:500", "105:500"}}
	for _, first := range []arena.Symbol{"BTC", "ETH"} {
		h := newHarness(t, nil, "a")
		st := h.ex.Export()
		st.Time = h.now
		a := &st.Accounts[0]
		a.Cash, a.RealizedPnL = fx("-2000"), fx("-12000")
		a.Positions = []arena.Position{
			{ID: "p1", AccountID: "a", Symbol: "BTC", Side: arena.Long, Quantity: fx("10"), EntryPrice: fx("500"), Leverage: fx("5"), Status: arena.PositionOpen},
			{ID: "p2", AccountID: "a", Symbol: "ETH", Side: arena.Short, Quantity: fx("100"), EntryPrice: fx("100"), Leverage: fx("5"), Status: arena.PositionOpen},
		}
		// Marked, equity ≈ −2 000 + 5 000 − 500 = 2 500 against a maintenance
		// margin of ≈ 1 025: healthy.
		r := restoreInto(t, h, st)
		second := arena.Symbol("ETH")
		if first == "ETH" {
			second = "BTC"
		}
		r.snap(first, books[first][0], books[first][1])
		r.snap(second, books[second][0], books[second][1])
		for _, b := range r.rec.Batches() {
			if len(b.Liquidations)+len(b.Fills)+len(b.Orders)+len(b.Insurance) > 0 {
				t.Fatalf("%s first: a restart at unchanged prices traded: %+v", first, b)
			}
		}
		after := r.snapshot("a")
		if len(after.Positions) != 2 || after.Cash != fx("-2000") || after.Equity < after.MaintenanceMargin {
			t.Fatalf("%s first: the account changed across the restart: %+v", first, after)
		}
	}
}

// Restore leaves every account exactly as it was: an account whose cash is
// negative but carried by an open profit keeps its position and its resting
// order, and nothing is emitted until its markets are marked.
func TestRestoreTakesNoRiskAction(t *testing.T) {
	h := newHarness(t, nil, "a")
	h.snap("BTC", "999.9:50", "1000:50")
	st := h.ex.Export()
	st.Accounts[0].Cash = fx("-500")
	st.Accounts[0].RealizedPnL = fx("-10500")
	st.Accounts[0].Positions = []arena.Position{{ID: "p1", AccountID: "a", Symbol: "BTC", Side: arena.Long,
		Quantity: fx("10"), EntryPrice: fx("500"), Leverage: fx("2"), Status: arena.PositionOpen}}
	st.Accounts[0].Orders = []arena.Order{{OrderRequest: arena.OrderRequest{OrderID: "rest", AccountID: "a", Symbol: "BTC",
		Side: arena.Long, Type: arena.OrderLimit, TimeInForce: arena.GTC, Quantity: fx("0.01"), Price: fx("900"), Leverage: fx("2")},
		State: arena.OrderResting, Priority: 1}}
	r := restoreInto(t, h, st)
	s := r.snapshot("a")
	if len(s.Positions) != 1 || len(s.Orders) != 1 || s.Cash != fx("-500") {
		t.Fatalf("restore changed the account: %+v", s)
	}
	// Once marked at 1000 the position is worth +5 000: equity 4 500, healthy.
	r.snap("BTC", "999.9:50", "1000:50")
	for _, b := range r.rec.Batches() {
		if len(b.Liquidations)+len(b.Insurance)+len(b.Fills) > 0 {
			t.Fatalf("a healthy account was liquidated or covered after restore: %+v", b)
		}
	}
	r.ex.Advance(r.step(time.Second))
	if s := r.snapshot("a"); len(s.Positions) != 1 || len(s.Orders) != 1 {
		t.Fatalf("the account lost its position or order: %+v", s)
	}
}
