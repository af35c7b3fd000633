package exchange_test

import (
	"fmt"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/exchange"
)

// An account buys 0.4 BTC at market on a two-level book: the order waits
// the taker latency, then walks the book (0.3 at 100 000, 0.1 at
// 100 010) and pays the taker fee (2.8 bps); the position is marked at the
// book's mid (99 995). Every change reaches the sink as a batch of records.
func Example() {
	rec := exchange.NewRecorder()
	cfg := exchange.DefaultConfig()
	cfg.Sink, cfg.TakerLatency = rec, 200*time.Millisecond
	ex, err := exchange.New(cfg)
	if err != nil {
		panic(err)
	}
	if err := ex.OpenAccount("alice"); err != nil {
		panic(err)
	}
	t0 := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	book := arena.BookUpdate{Symbol: "BTC", Snapshot: true,
		Bids: []arena.Level{{Price: arena.MustFixed("99990"), Size: arena.MustFixed("1")}},
		Asks: []arena.Level{{Price: arena.MustFixed("100000"), Size: arena.MustFixed("0.3")}, {Price: arena.MustFixed("100010"), Size: arena.MustFixed("2")}}}
	if err := ex.ApplyBook(t0, book); err != nil {
		panic(err)
	}

	o, err := ex.SubmitOrder(t0, arena.OrderRequest{AccountID: "alice", OrderID: "buy-1", Symbol: "BTC", Side: arena.Long,
		Type: arena.OrderMarket, Quantity: arena.MustFixed("0.4"), Leverage: arena.FixedInt(5)})
	if err != nil {
		panic(err)
	}
	fmt.Println("submitted:", o.State, "due", o.DueAt.Sub(t0))

	ex.Advance(t0.Add(time.Second)) // the clock passes the order's due time
	for _, b := range rec.Drain() {
		for _, f := range b.Fills {
			fmt.Printf("fill %s %s @ %s, fee %s\n", f.Side, f.Quantity, f.Price, f.Fee)
		}
	}
	a, _ := ex.Snapshot("alice")
	p := a.Positions[0]
	fmt.Printf("position %s %s %s @ %s, margin %s\n", p.Symbol, p.Side, p.Quantity, p.EntryPrice, p.Margin)
	fmt.Printf("cash %s, equity %s\n", a.Cash, a.Equity)
	// Output:
	// submitted: PENDING due 200ms
	// fill LONG 0.3 @ 100000, fee 8.4
	// fill LONG 0.1 @ 100010, fee 2.80028
	// position BTC LONG 0.4 @ 100002.5, margin 8000.2
	// cash 9988.79972, equity 9985.79972
}
