package exchange

import (
	"strings"
	"testing"

	"github.com/autonome-go/autonome/shared/arena"
)

// TestLedgerAmountsNeverWrap: an extreme but accepted feed price makes the
// realized PnL of a close larger than cash can hold. The close must not wrap
// cash around (and have the insurance fund "cover" the wrapped loss): the
// order is refused with a clear reason, nothing is booked, and the account's
// trading stops.
func TestLedgerAmountsNeverWrap(t *testing.T) {
	h := newHarness(t, nil)
	h.snap("BTC", "99.9:2000", "100:2000")
	h.mustSubmit(mkt("big", arena.Long, "990"))
	before := h.snapshot("a")
	h.snap("BTC", "100000000:500, 99999999.9:500", "100000000.1:10")
	o, err := h.ex.ClosePosition(h.step(1e6), "a", "out", "BTC")
	if arena.ErrorCode(err) != arena.CodeRejected || !strings.Contains(o.Reason, "out of range") {
		t.Fatalf("close with an impossible PnL: %+v, %v", o, err)
	}
	after := h.snapshot("a")
	if after.Cash != before.Cash || after.RealizedPnL != before.RealizedPnL || after.Insurance != 0 {
		t.Fatalf("account changed: before %+v after %+v", before, after)
	}
	for _, b := range h.rec.Batches() {
		if len(b.Insurance) > 0 {
			t.Fatalf("insurance covered a wrapped amount: %+v", b.Insurance)
		}
	}
	if o, err := h.submit(mkt("again", arena.Long, "0.001")); arena.ErrorCode(err) != arena.CodeRejected || !strings.Contains(o.Reason, "trading stopped") {
		t.Fatalf("after the impossible amount trading goes on: %+v, %v", o, err)
	}
	h.checkLedger("a")
}
