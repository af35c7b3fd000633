package exchange

import (
	"testing"

	"github.com/autonome-go/autonome/shared/arena"
)

// Adding to a position keeps its exit plan: an order with only a
// confidence (or no plan) changes nothing else, a position with a stop can
// be added to, a new stop may still only tighten.
func TestAddingToAPositionKeepsItsExitPlan(t *testing.T) {
	h := newHarness(t, nil)
	h.around("BTC", "100")
	open := mkt("open", arena.Long, "1")
	open.ExitPlan = arena.ExitPlan{Stop: fx("90"), Target: fx("120"), Invalidation: "trend breaks", Confidence: 0.6}
	h.mustSubmit(open)

	add := mkt("add", arena.Long, "1")
	add.ExitPlan = arena.ExitPlan{Confidence: 0.8}
	if _, err := h.submit(add); err != nil {
		t.Fatalf("adding with only a confidence: %v", err)
	}
	p, _ := h.position("a", "BTC")
	want := arena.ExitPlan{Stop: fx("90"), Target: fx("120"), Invalidation: "trend breaks", Confidence: 0.8}
	if p.Quantity != fx("2") || p.ExitPlan != want {
		t.Fatalf("after adding with a confidence: qty %s plan %+v, want %+v", p.Quantity, p.ExitPlan, want)
	}
	h.mustSubmit(mkt("plain", arena.Long, "1"))
	if p, _ := h.position("a", "BTC"); p.ExitPlan != want {
		t.Fatalf("an order without a plan changed it: %+v", p.ExitPlan)
	}
	tighter := mkt("tighter", arena.Long, "1")
	tighter.ExitPlan = arena.ExitPlan{Stop: fx("95")}
	h.mustSubmit(tighter)
	if p, _ := h.position("a", "BTC"); p.ExitPlan.Stop != fx("95") || p.ExitPlan.Target != fx("120") {
		t.Fatalf("a tighter stop: %+v", p.ExitPlan)
	}
	wider := mkt("wider", arena.Long, "1")
	wider.ExitPlan = arena.ExitPlan{Stop: fx("80")}
	if _, err := h.submit(wider); err == nil {
		t.Fatal("a wider stop was accepted")
	}
	h.checkLedger("a")
}
