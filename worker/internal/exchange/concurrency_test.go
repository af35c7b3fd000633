package exchange

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

// TestConcurrentUse drives one exchange from a feed goroutine and several
// agent goroutines at once (run with -race), with latency so that agents
// wait on orders the feed's clock completes.
func TestConcurrentUse(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.TakerLatency = 5 * time.Millisecond; c.StaleAfter = 0 }, "a", "b", "c", "d")
	var clock sync.Mutex
	now := t0
	tick := func() time.Time {
		clock.Lock()
		defer clock.Unlock()
		now = now.Add(time.Millisecond)
		return now
	}
	h.ex.ApplyBook(tick(), arena.BookUpdate{Symbol: "BTC", Snapshot: true, Bids: levels("99.9:1000"), Asks: levels("100.1:1000")})
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	stop := make(chan struct{})
	var feed sync.WaitGroup
	feed.Add(1)
	go func() {
		defer feed.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			mid := fx("100") + arena.Fixed(int64(i%20)*10_000_000)
			h.ex.ApplyBook(tick(), arena.BookUpdate{Symbol: "BTC", Snapshot: true,
				Bids: []arena.Level{{Price: mid - fx("0.1"), Size: fx("1000")}}, Asks: []arena.Level{{Price: mid + fx("0.1"), Size: fx("1000")}}})
			h.ex.Prices()
		}
	}()
	var agents sync.WaitGroup
	for _, acct := range []string{"a", "b", "c", "d"} {
		agents.Add(1)
		go func() {
			defer agents.Done()
			for i := range 50 {
				side := arena.Long
				if i%2 == 1 {
					side = arena.Short
				}
				id := fmt.Sprint(acct, i)
				if _, err := h.ex.SubmitOrder(tick(), arena.OrderRequest{AccountID: acct, OrderID: id, Symbol: "BTC", Side: side,
					Type: arena.OrderMarket, Quantity: fx("1"), Leverage: fx("5")}); err != nil {
					t.Error(err)
					return
				}
				if o, err := h.ex.Wait(ctx, acct, id); err != nil || o.State != arena.OrderFilled {
					t.Errorf("%s: %+v %v", id, o, err)
					return
				}
				h.ex.Snapshot(acct)
			}
		}()
	}
	agents.Wait()
	close(stop)
	feed.Wait()
	for _, acct := range []string{"a", "b", "c", "d"} {
		h.checkLedger(acct)
		if len(h.fills("")) < 200 {
			t.Fatalf("%d fills", len(h.fills("")))
		}
	}
}
