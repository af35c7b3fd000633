package exchange

import (
	"testing"

	"github.com/autonome-go/autonome/shared/arena"
)

// TestPostOnlyJudgedAgainstTheVenueBook: once our own taker consumed the best
// ask, a post-only bid above the venue's ask would still take liquidity on
// the venue: it is rejected, not rested to fill later as a maker at its own
// worse price.
func TestPostOnlyJudgedAgainstTheVenueBook(t *testing.T) {
	h := newHarness(t, nil)
	h.snap("BTC", "99:5", "100:1, 100.5:5")
	h.mustSubmit(mkt("take", arena.Long, "1")) // consumes the ask at 100
	o, err := h.submit(lmt("po", arena.Long, "1", "100.2", arena.PostOnly))
	if arena.ErrorCode(err) != arena.CodeRejected || o.State != arena.OrderRejected {
		t.Fatalf("post-only bid above the venue's ask: %+v, %v", o, err)
	}
	h.delta("BTC", "", "100:1") // the venue refreshes its ask
	if f := h.fills("po"); len(f) != 0 {
		t.Fatalf("post-only filled at its own worse price: %+v", f)
	}
	// Below the venue's ask it rests as before.
	if o := h.mustSubmit(lmt("po2", arena.Long, "1", "99.9", arena.PostOnly)); o.State != arena.OrderResting {
		t.Fatalf("post-only below the ask: %+v", o)
	}
	h.checkLedger("a")
}
