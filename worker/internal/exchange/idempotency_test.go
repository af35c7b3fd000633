package exchange

import (
	"testing"

	"github.com/autonome-go/autonome/shared/arena"
)

func TestClientOrderIDIsIdempotent(t *testing.T) {
	h := newHarness(t, nil)
	h.around("BTC", "100")
	first := h.mustSubmit(mkt("o1", arena.Long, "1"))
	batches := len(h.rec.Batches())
	again, err := h.submit(mkt("o1", arena.Long, "1"))
	if err != nil || again != first {
		t.Fatalf("repeat returned %+v, %v; want the first outcome %+v", again, err, first)
	}
	if len(h.rec.Batches()) != batches || len(h.fills("")) != 1 {
		t.Fatal("the repeat executed")
	}
	if p, _ := h.position("a", "BTC"); p.Quantity != fx("1") {
		t.Fatalf("position %s", p.Quantity)
	}
	if _, err := h.submit(mkt("o1", arena.Long, "2")); arena.ErrorCode(err) != arena.CodeConflict {
		t.Fatalf("same id, different order: %v", err)
	}
	// A rejection is an outcome too: the retry gets the same rejection.
	_, err1 := h.submit(mkt("huge", arena.Long, "5000"))
	_, err2 := h.submit(mkt("huge", arena.Long, "5000"))
	if arena.ErrorCode(err1) != arena.CodeRejected || arena.ErrorCode(err2) != arena.CodeRejected || err1.Error() != err2.Error() {
		t.Fatalf("rejection retry: %v / %v", err1, err2)
	}
	// Resting orders are recognised while live.
	h.mustSubmit(lmt("rest", arena.Long, "1", "90", arena.GTC))
	if o, err := h.submit(lmt("rest", arena.Long, "1", "90", arena.GTC)); err != nil || o.State != arena.OrderResting {
		t.Fatalf("resting repeat: %+v %v", o, err)
	}
	if s := h.snapshot("a"); len(s.Orders) != 1 {
		t.Fatalf("live orders %+v", s.Orders)
	}
	// Close-position ids too.
	c1, _ := h.ex.ClosePosition(h.step(1), "a", "close", "BTC")
	c2, _ := h.ex.ClosePosition(h.step(1), "a", "close", "BTC")
	if c1 != c2 || len(h.fills("close")) != 1 {
		t.Fatalf("close repeat: %+v / %+v", c1, c2)
	}
}

func TestIdempotencyWindowIsBounded(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.IdempotencyWindow = 4 })
	h.snap("BTC", "99.9:1000", "100.1:1000")
	ids := []string{"a", "b", "c", "d", "e", "f"}
	for i, id := range ids {
		side := arena.Long
		if i%2 == 1 {
			side = arena.Short
		}
		h.mustSubmit(mkt(id, side, "1"))
	}
	acct := h.ex.byID["a"]
	if len(acct.ring) != 4 || len(acct.recent) != 4 {
		t.Fatalf("window holds %d/%d", len(acct.ring), len(acct.recent))
	}
	for _, id := range ids[:2] {
		if _, ok := acct.lookup(id); ok {
			t.Errorf("%s should have been forgotten", id)
		}
	}
	for _, id := range ids[2:] {
		if _, ok := acct.lookup(id); !ok {
			t.Errorf("%s forgotten too early", id)
		}
	}
}
