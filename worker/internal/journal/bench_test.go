package journal

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/exchange"
)

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

// feedRun drives ex with n book updates (20 levels a side, a random walk,
// BTC/ETH/SOL in turn, 100 ms apart) and an order every 500 updates, as a
// Lighter-rate feed does.
func feedRun(b *testing.B, ex *exchange.Exchange, n int, t0 time.Time) {
	rng := rand.New(rand.NewPCG(1, 2))
	mids := []arena.Fixed{arena.FixedInt(60_000), arena.FixedInt(3_000), arena.FixedInt(150)}
	syms := []arena.Symbol{"BTC", "ETH", "SOL"}
	ticks := []arena.Fixed{arena.MustFixed("0.1"), arena.MustFixed("0.01"), arena.MustFixed("0.001")}
	lots := []string{"0.001", "0.01", "0.1"}
	for i := range n {
		k := i % 3
		mids[k] += ticks[k].MulInt(int64(rng.IntN(11) - 5))
		u := arena.BookUpdate{Symbol: syms[k], Snapshot: true}
		for l := range 20 {
			size := arena.FixedInt(int64(1 + rng.IntN(5)))
			u.Bids = append(u.Bids, arena.Level{Price: mids[k] - ticks[k].MulInt(int64(l+1)), Size: size})
			u.Asks = append(u.Asks, arena.Level{Price: mids[k] + ticks[k].MulInt(int64(l+1)), Size: size})
		}
		now := t0.Add(time.Duration(i) * 100 * time.Millisecond)
		_ = ex.ApplyBook(now, u)
		if i%500 == 499 {
			_, _ = ex.SubmitOrder(now, arena.OrderRequest{AccountID: fmt.Sprintf("m%02d", rng.IntN(26)), OrderID: fmt.Sprint("o", i),
				Symbol: syms[k], Side: arena.Long, Type: arena.OrderMarket, Quantity: arena.MustFixed(lots[k]), Leverage: arena.FixedInt(2)})
		}
	}
}

func newExchange(b *testing.B, sink exchange.Sink, j exchange.Journal) *exchange.Exchange {
	cfg := exchange.DefaultConfig()
	cfg.Sink, cfg.Journal, cfg.StaleAfter = sink, j, 0
	ex, err := exchange.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	for i := range 26 {
		_ = ex.OpenAccount(fmt.Sprintf("m%02d", i))
	}
	return ex
}

// journalSink forwards batches to the writer, as the simulator does.
type journalSink struct{ w *Writer }

func (s journalSink) Publish(b *arena.Batch) { s.w.Output(b) }

const benchUpdates = 20_000

// BenchmarkFeedWithoutJournal and BenchmarkFeedWithJournal are the live
// worker's recording overhead: the exchange's work per book update alone,
// and with every input journaled (JSON, zstd) — ns/update and bytes/update
// of compressed journal (bytes/day at Lighter's rate is that × updates/day).
func BenchmarkFeedWithoutJournal(b *testing.B) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for b.Loop() {
		feedRun(b, newExchange(b, nil, nil), benchUpdates, t0)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchUpdates), "ns/update")
}

func BenchmarkFeedWithJournal(b *testing.B) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var size int
	for b.Loop() {
		var buf bytes.Buffer
		w, err := NewWriter(nopCloser{&buf}, Header{Season: "bench"}, nil)
		if err != nil {
			b.Fatal(err)
		}
		ex := newExchange(b, journalSink{w}, w)
		w.Begin(ex.Export())
		feedRun(b, ex, benchUpdates, t0)
		_ = w.Close()
		size = buf.Len()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchUpdates), "ns/update")
	b.ReportMetric(float64(size)/benchUpdates, "journal-bytes/update")
}

// BenchmarkVerify replays a journal of benchUpdates book updates.
func BenchmarkVerify(b *testing.B) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var buf bytes.Buffer
	w, _ := NewWriter(nopCloser{&buf}, Header{Season: "bench"}, nil)
	cfg := exchange.DefaultConfig()
	cfg.StaleAfter = 0
	w.header.Exchange = cfg
	ex := newExchange(b, journalSink{w}, w)
	w.Begin(ex.Export())
	feedRun(b, ex, benchUpdates, t0)
	ex.Checkpoint(func(st arena.ExchangeState) { w.Mark(PeriodEnd, st) })
	_ = w.Close()
	for b.Loop() {
		rep, err := Verify(bytes.NewReader(buf.Bytes()))
		if err != nil || !rep.Complete {
			b.Fatalf("%v %+v", err, rep)
		}
	}
	b.ReportMetric(float64(b.N*benchUpdates)/b.Elapsed().Seconds(), "inputs/s")
}
