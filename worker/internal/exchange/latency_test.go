package exchange

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

func withLatency(c *Config) {
	c.TakerLatency = 200 * time.Millisecond
	c.MakerLatency = 50 * time.Millisecond
}

func TestTakerLatencyMeetsTheBookAtArrival(t *testing.T) {
	h := newHarness(t, withLatency)
	h.now = t0
	h.around("BTC", "100") // t0+1ms
	o, err := h.ex.SubmitOrder(t0.Add(10*time.Millisecond), arena.OrderRequest{AccountID: "a", OrderID: "o", Symbol: "BTC", Side: arena.Long, Type: arena.OrderMarket, Quantity: fx("1"), Leverage: fx("10")})
	if err != nil || o.State != arena.OrderPending || !o.DueAt.Equal(t0.Add(210*time.Millisecond)) {
		t.Fatalf("submit: %+v %v", o, err)
	}
	// The book moves before the order arrives...
	h.ex.ApplyBook(t0.Add(100*time.Millisecond), arena.BookUpdate{Symbol: "BTC", Snapshot: true, Bids: levels("104.9:10"), Asks: levels("105.1:10")})
	// ...and again after: the order must see the book as it was at 210 ms.
	h.ex.ApplyBook(t0.Add(300*time.Millisecond), arena.BookUpdate{Symbol: "BTC", Snapshot: true, Bids: levels("109.9:10"), Asks: levels("110.1:10")})
	got, err := h.ex.Order("a", "o")
	if err != nil || got.State != arena.OrderFilled || got.AvgPrice != fx("105.1") {
		t.Fatalf("order %+v %v", got, err)
	}
	f := h.fills("o")
	if len(f) != 1 || !f[0].Time.Equal(t0.Add(210*time.Millisecond)) {
		t.Fatalf("fill %+v", f)
	}
	h.checkLedger("a")
}

func TestMakerLatencyAndDelayedCancel(t *testing.T) {
	h := newHarness(t, withLatency)
	h.now = t0
	h.around("BTC", "100")
	o, _ := h.ex.SubmitOrder(t0.Add(time.Millisecond), arena.OrderRequest{AccountID: "a", OrderID: "bid", Symbol: "BTC", Side: arena.Long, Type: arena.OrderLimit, Quantity: fx("1"), Price: fx("99"), Leverage: fx("10")})
	if !o.DueAt.Equal(t0.Add(51 * time.Millisecond)) {
		t.Fatalf("a non-crossing limit should use maker latency: due %s", o.DueAt)
	}
	h.ex.Advance(t0.Add(60 * time.Millisecond))
	if o, _ := h.ex.Order("a", "bid"); o.State != arena.OrderResting {
		t.Fatalf("after arrival %+v", o)
	}
	c, err := h.ex.CancelOrder(t0.Add(100*time.Millisecond), "a", "bid")
	if err != nil || c.State != arena.OrderResting {
		t.Fatalf("cancel is not instant: %+v %v", c, err)
	}
	// A trade through the bid before the cancel lands still fills it.
	h.ex.ApplyTrade(t0.Add(120*time.Millisecond), arena.TradePrint{Symbol: "BTC", Price: fx("98"), Size: fx("0.3")})
	h.ex.Advance(t0.Add(150 * time.Millisecond))
	final, _ := h.ex.Order("a", "bid")
	if final.State != arena.OrderCancelled || final.Filled != fx("0.3") {
		t.Fatalf("final %+v", final)
	}
}

func TestCancelBeforeArrival(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.TakerLatency, c.MakerLatency = 300*time.Millisecond, 100*time.Millisecond })
	h.now = t0
	h.around("BTC", "100")
	h.ex.SubmitOrder(t0, arena.OrderRequest{AccountID: "a", OrderID: "o", Symbol: "BTC", Side: arena.Long, Type: arena.OrderMarket, Quantity: fx("1"), Leverage: fx("10")})
	h.ex.CancelOrder(t0.Add(10*time.Millisecond), "a", "o")
	h.ex.Advance(t0.Add(time.Second))
	if o, _ := h.ex.Order("a", "o"); o.State != arena.OrderCancelled || o.Filled != 0 {
		t.Fatalf("order %+v", o)
	}
	if len(h.fills("")) != 0 {
		t.Fatal("a cancelled order traded")
	}
}

// Wait returns once the exchange's clock reaches the order, not before,
// and gives up with its context. In a synctest bubble "not before" is
// exact: synctest.Wait returns only once the waiter is durably blocked.
func TestWaitForDelayedOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t, withLatency)
		h.now = t0
		h.around("BTC", "100")
		if _, err := h.ex.SubmitOrder(t0, arena.OrderRequest{AccountID: "a", OrderID: "o", Symbol: "BTC", Side: arena.Long, Type: arena.OrderMarket, Quantity: fx("1"), Leverage: fx("10")}); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		done := make(chan arena.Order, 1)
		go func() {
			o, err := h.ex.Wait(ctx, "a", "o")
			if err != nil {
				t.Error(err)
			}
			done <- o
		}()
		synctest.Wait()
		select {
		case o := <-done:
			t.Fatalf("returned before the clock reached the order: %+v", o)
		default:
		}
		h.ex.Advance(t0.Add(time.Second))
		if o := <-done; o.State != arena.OrderFilled {
			t.Fatalf("waited for %+v", o)
		}
		short, cancel2 := context.WithTimeout(t.Context(), time.Millisecond)
		defer cancel2()
		h.ex.SubmitOrder(t0.Add(time.Second), arena.OrderRequest{AccountID: "a", OrderID: "o2", Symbol: "BTC", Side: arena.Long, Type: arena.OrderMarket, Quantity: fx("1"), Leverage: fx("10")})
		if _, err := h.ex.Wait(short, "a", "o2"); err == nil {
			t.Fatal("wait ignored its context")
		}
	})
}

func TestSameTapeSameRecordsWithLatency(t *testing.T) {
	// The delayed path is as deterministic as the immediate one.
	run := func() []arena.Batch {
		h := newHarness(t, func(c *Config) { withLatency(c); c.SlippageBps = fx("3") })
		h.now = t0
		h.around("BTC", "100")
		for i := range 20 {
			at := t0.Add(time.Duration(i) * 70 * time.Millisecond)
			side := arena.Long
			if i%3 == 0 {
				side = arena.Short
			}
			h.ex.SubmitOrder(at, arena.OrderRequest{AccountID: "a", OrderID: string(rune('a' + i)), Symbol: "BTC", Side: side, Type: arena.OrderMarket, Quantity: fx("0.5"), Leverage: fx("5")})
			mid := fx("100") + arena.FixedInt(int64(i%5))
			h.ex.ApplyBook(at.Add(35*time.Millisecond), arena.BookUpdate{Symbol: "BTC", Snapshot: true,
				Bids: []arena.Level{{Price: mid - fx("0.1"), Size: fx("3")}}, Asks: []arena.Level{{Price: mid + fx("0.1"), Size: fx("3")}}})
		}
		h.ex.Advance(t0.Add(time.Minute))
		return h.rec.Batches()
	}
	compareBatches(t, run(), run())
}
