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

// TestCrossingGTCRemainderJudgedAgainstTheVenueBook: a GTC bid that crosses
// the book takes what our own takers left; its remainder, still priced
// through the venue's ask, would be taking on the venue, so when the venue
// shows that ask again it fills as a taker at the venue's price, not as a
// maker at its own worse price. Once the venue's book no longer crosses it,
// it is an ordinary maker.
func TestCrossingGTCRemainderJudgedAgainstTheVenueBook(t *testing.T) {
	h := newHarness(t, nil)
	h.snap("BTC", "99:5", "100:1, 100.1:1, 100.5:5")
	h.mustSubmit(mkt("take", arena.Long, "1")) // consumes the ask at 100
	o := h.mustSubmit(lmt("gtc", arena.Long, "2", "100.2", arena.GTC))
	if o.State != arena.OrderResting || o.Filled != fx("1") || !o.Through {
		t.Fatalf("crossing GTC bid with the venue's ask at 100 taken by us: %+v", o)
	}
	h.delta("BTC", "", "100:1") // the venue shows its ask at 100 again
	f := h.fills("gtc")
	if len(f) != 2 || f[1].Price != fx("100") || f[1].Liquidity != arena.Taker {
		t.Fatalf("the remainder of a GTC bid resting through the venue's ask: fills %+v, want a taker fill at 100", f)
	}

	// Resting through the ask with nothing left to take; the venue moves
	// away, then back down through it: now it is a maker at its own price.
	if o := h.mustSubmit(lmt("gtc2", arena.Long, "1", "100.2", arena.GTC)); o.State != arena.OrderResting || !o.Through {
		t.Fatalf("GTC bid through the venue's ask with nothing left to take: %+v", o)
	}
	h.snap("BTC", "99:5", "101:5")
	h.snap("BTC", "99:5", "100:5")
	if f := h.fills("gtc2"); len(f) != 1 || f[0].Price != fx("100.2") || f[0].Liquidity != arena.Maker {
		t.Fatalf("a resting bid the venue's ask moved through later: fills %+v, want a maker fill at 100.2", f)
	}
	h.checkLedger("a")
}
