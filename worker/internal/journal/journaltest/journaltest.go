// Package journaltest writes a live season's journals as the worker does,
// for tests of what reads them (export, verify, import) without running a
// worker.
package journaltest

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/exchange"
	"github.com/autonome-go/autonome/worker/internal/journal"
)

// Start is the first period's start.
var Start = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// Period is the season period of the journals Write writes.
const Period = time.Hour

// Entrants are the seats of the journals.
var Entrants = []journal.Entrant{
	{AccountID: "m-apex", Name: "Apex", Variant: arena.Variant("Apex"), Kind: arena.ModelKind("llm"), Provider: arena.Provider("openrouter"), Model: "vendor/model-a"},
	{AccountID: "m-guard", Name: "Guardian", Variant: arena.Variant("Guardian"), Kind: arena.ModelKind("llm"), Provider: arena.Provider("openrouter"), Model: "vendor/model-b"},
	{AccountID: "m-rand", Name: "random", Kind: arena.ModelKind("baseline")},
}

type sink struct{ w **journal.Writer }

func (s sink) Publish(b *arena.Batch) {
	if *s.w != nil {
		(*s.w).Output(b)
	}
}

// Write writes into dir the journals of season "live" over two worker
// runs, as the worker names them (live-<start>.journal.zst):
//   - run 1 from Start to Start+90m: a segment per period, cut at
//     Start+1h, and a closing "end" mark (a clean stop);
//   - run 2 from Start+100m (restored from run 1's persisted state, as
//     from PostgreSQL) to Start+130m, cut at Start+2h, closing with "end".
//
// So period Start is one complete segment; period Start+1h is two
// segments joined by a restart and closes with its mark; period Start+2h
// is one segment that stops before the period's end. seed varies the
// feed and the orders.
func Write(t testing.TB, dir string, seed uint64) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 11))
	mids := map[arena.Symbol]arena.Fixed{"BTC": arena.FixedInt(60_000), "ETH": arena.FixedInt(3_000), "SOL": arena.FixedInt(150)}
	cfg := exchange.DefaultConfig()
	var w *journal.Writer
	cfg.Sink, cfg.Journal = sink{&w}, journalTo{&w}
	create := func(at time.Time) *os.File {
		f, err := os.Create(filepath.Join(dir, fmt.Sprintf("live-%s.journal.zst", at.UTC().Format("20060102T150405Z"))))
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	header := func(at time.Time) journal.Header {
		return journal.Header{Season: "live", Period: journal.PeriodOf(at, Period), Length: Period, Started: at, Code: "test",
			Entrants: Entrants, Settings: map[string]string{"FEED": "synthetic", "TRADE_INTERVAL": "5m0s", "FEED_TICK": "10s"}}
	}
	// feed drives ex from `from` to `to`: books every 10 s, an order now and then.
	feed := func(ex *exchange.Exchange, from, to time.Time, cut func(time.Time) bool) {
		n := 0
		for now := from; now.Before(to); now = now.Add(10 * time.Second) {
			if cut(now) {
				continue
			}
			for _, m := range arena.DefaultMarkets() {
				mid := mids[m.Symbol] + m.TickSize.MulInt(int64(rng.IntN(41)-20))
				mids[m.Symbol] = mid
				u := arena.BookUpdate{Symbol: m.Symbol, Snapshot: true}
				for l := range 10 {
					size := m.LotSize.MulInt(int64(500 + rng.IntN(5000)))
					u.Bids = append(u.Bids, arena.Level{Price: mid - m.TickSize.MulInt(int64(l+1)), Size: size})
					u.Asks = append(u.Asks, arena.Level{Price: mid + m.TickSize.MulInt(int64(l+1)), Size: size})
				}
				_ = ex.ApplyBook(now, u)
			}
			if n++; n%7 == 0 {
				m := arena.DefaultMarkets()[rng.IntN(3)]
				side := []arena.Side{arena.Long, arena.Short}[rng.IntN(2)]
				_, _ = ex.SubmitOrder(now, arena.OrderRequest{AccountID: Entrants[rng.IntN(len(Entrants))].AccountID,
					OrderID: fmt.Sprintf("o%d-%d", seed, n), Symbol: m.Symbol, Side: side, Type: arena.OrderMarket,
					Quantity: m.MinSize.MulInt(int64(1 + rng.IntN(20))), Leverage: arena.FixedInt(3)})
			}
		}
	}
	rotateAt := func(ex *exchange.Exchange, at time.Time) func(time.Time) bool {
		done := false
		return func(now time.Time) bool {
			if !done && !now.Before(at) {
				done = true
				f := create(at)
				ex.Checkpoint(func(st arena.ExchangeState) {
					if _, err := w.Rotate(f, journal.PeriodOf(at.Add(-Period), Period), journal.PeriodOf(at, Period), st); err != nil {
						t.Fatal(err)
					}
				})
			}
			return false
		}
	}
	stop := func(ex *exchange.Exchange) {
		ex.Checkpoint(func(st arena.ExchangeState) { w.Mark(journal.PeriodEnd, st) })
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}

	newExchange := func() *exchange.Exchange {
		ex, err := exchange.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		return ex
	}
	begin := func(ex *exchange.Exchange, at time.Time) {
		h := header(at)
		h.Exchange = cfg
		var err error
		if w, err = journal.NewWriter(create(at), h, nil); err != nil {
			t.Fatal(err)
		}
		w.Begin(ex.Export())
	}

	// Run 1: the accounts exist before the journal begins (the state
	// restored at start).
	ex := newExchange()
	for _, e := range Entrants {
		if err := ex.OpenAccount(e.AccountID); err != nil {
			t.Fatal(err)
		}
	}
	begin(ex, Start)
	feed(ex, Start, Start.Add(90*time.Minute), rotateAt(ex, Start.Add(Period)))
	stop(ex)
	persisted := ex.Export() // what PostgreSQL holds: no books

	// Run 2, restored from the database ten minutes later.
	ex = newExchange()
	if err := ex.Restore(persisted); err != nil {
		t.Fatal(err)
	}
	restart := Start.Add(100 * time.Minute)
	begin(ex, restart)
	feed(ex, restart, Start.Add(130*time.Minute), rotateAt(ex, Start.Add(2*Period)))
	stop(ex)
}

type journalTo struct{ w **journal.Writer }

func (j journalTo) Input(in *exchange.Input) {
	if *j.w != nil {
		(*j.w).Input(in)
	}
}

// Decompress returns the JSON lines of a zstd-compressed journal.
func Decompress(t testing.TB, b []byte) []byte {
	t.Helper()
	zr, err := zstd.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Compress compresses journal lines as a journal file holds them (to write
// back a changed or cut journal).
func Compress(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, err := zstd.NewWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = zw.Write(b)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
