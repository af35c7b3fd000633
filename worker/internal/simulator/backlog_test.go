package simulator_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/testenv"
)

// A burst of orders the engine rejects queues records faster than one
// connection writes them; that backlog is not an outage: no order is
// refused as "the ledger database is unavailable" while PostgreSQL is fine.
func TestBurstOfRejectionsIsNotAnOutage(t *testing.T) {
	pool, _, ids := seeded(t, 2)
	ctx := testenv.Context(t, 60*time.Second)
	sim, _ := start(t, pool)
	feedBooks(t, sim, 5, 10)
	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[arena.Code]int{}
	for i := range 300 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// 1 000 BTC at 2x: far beyond the account's margin, rejected.
			_, err := sim.PlaceOrder(ctx, order(ids[i%2], fmt.Sprintf("big-%d", i), "BTC", arena.Long, "1000"))
			mu.Lock()
			codes[arena.ErrorCode(err)]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if codes[arena.CodeUnavailable] > 0 {
		t.Fatalf("a burst of rejections was answered as a database outage: %v", codes)
	}
	if codes[arena.CodeRejected] == 0 {
		t.Fatalf("the orders were not rejected: %v", codes)
	}
	if _, err := sim.PlaceOrder(ctx, order(ids[0], "after", "BTC", arena.Long, "0.01")); err != nil {
		t.Fatalf("an ordinary order after the burst: %v", err)
	}
	checkLedger(t, ctx, pool)
}
