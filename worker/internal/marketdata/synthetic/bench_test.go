package synthetic

import (
	"context"
	"testing"
	"time"

	"github.com/autonome-go/autonome/worker/internal/marketdata"
)

// BenchmarkFeed measures message generation: one op is one tick of all three
// default markets (trades, a book delta or snapshot, stats every other tick)
// delivered to a sink that drops them, history aggregation included.
func BenchmarkFeed(b *testing.B) {
	f := newFeed(b, Config{Seed: 1})
	ctx := context.Background()
	sink := marketdata.SinkFunc(func(context.Context, marketdata.Message) error { return nil })
	var buf []marketdata.Message
	msgs, n := 0, 0
	for b.Loop() {
		t := start.Add(time.Duration(n) * f.cfg.Interval)
		for _, mk := range f.markets {
			buf = mk.tick(buf[:0], n, t, f.cfg.Interval, f.cfg.SnapshotEvery, f.cfg.StatsEvery)
			msgs += len(buf)
			if err := f.deliver(ctx, sink, mk, t, buf); err != nil {
				b.Fatal(err)
			}
		}
		n++
	}
	b.ReportMetric(float64(msgs)/b.Elapsed().Seconds(), "msgs/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(msgs), "ns/msg")
}

// BenchmarkNew measures building a feed, dominated by synthesising history.
func BenchmarkNew(b *testing.B) {
	for b.Loop() {
		if _, err := New(Config{Seed: 1, Start: start}); err != nil {
			b.Fatal(err)
		}
	}
}
