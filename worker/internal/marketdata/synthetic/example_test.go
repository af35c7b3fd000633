package synthetic_test

import (
	"context"
	"fmt"
	"time"

	"github.com/autonome-go/autonome/worker/internal/marketdata"
	"github.com/autonome-go/autonome/worker/internal/marketdata/synthetic"
)

// A seeded synthetic market: history for the agents before the first tick,
// then a stream that opens with a book snapshot per symbol.
func Example() {
	feed, err := synthetic.New(synthetic.Config{
		Seed:  42,
		Start: time.Date(2026, 5, 5, 12, 0, 0, 0, time.UTC),
		Fast:  true, // no waiting between ticks
		Ticks: 10,
	})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	bars, _ := feed.Candles(ctx, "BTC", marketdata.Resolution5m, marketdata.Bars5m)
	fmt.Println(len(bars), "five-minute BTC bars, the last closing at", bars[len(bars)-1].Close)

	books := 0
	err = feed.Run(ctx, marketdata.SinkFunc(func(_ context.Context, m marketdata.Message) error {
		if m.Kind == marketdata.KindBook {
			if books < 3 {
				fmt.Println(m.Book.Symbol, "snapshot:", m.Book.Snapshot)
			}
			books++
		}
		return nil
	}))
	fmt.Println(books, "book updates,", err)
	// Output:
	// 180 five-minute BTC bars, the last closing at 97000
	// BTC snapshot: true
	// ETH snapshot: true
	// SOL snapshot: true
	// 30 book updates, <nil>
}
