package exchange

import (
	"strconv"
	"testing"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

// benchBook returns a snapshot with n levels a side around mid.
func benchBook(m arena.Market, mid arena.Fixed, n int, size arena.Fixed) arena.BookUpdate {
	u := arena.BookUpdate{Symbol: m.Symbol, Snapshot: true}
	for i := range n {
		off := m.TickSize.MulInt(int64(i + 1))
		u.Bids = append(u.Bids, arena.Level{Price: mid - off, Size: size})
		u.Asks = append(u.Asks, arena.Level{Price: mid + off, Size: size})
	}
	return u
}

// BenchmarkBookUpdate applies book deltas round-robin to BTC, ETH and SOL
// while 21 accounts hold positions with stops, targets, time exits and
// liquidation bands in all three markets. Each delta moves the top of the
// book (so the mark changes and the trigger index is consulted) and resizes
// a deeper level. Funding settles at every whole hour of the 1 ms-per-update
// clock.
func BenchmarkBookUpdate(b *testing.B) {
	cfg := DefaultConfig()
	cfg.TakerLatency = 0
	cfg.StaleAfter = time.Minute
	ex, err := New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	mids := []arena.Fixed{fx("97000"), fx("3500"), fx("180")}
	now := t0
	for i, m := range cfg.Markets {
		if err := ex.ApplyBook(now, benchBook(m, mids[i], 50, m.MinSize.MulInt(2000))); err != nil {
			b.Fatal(err)
		}
		ex.ApplyStats(now, arena.MarketStats{Symbol: m.Symbol, MarkPrice: mids[i], FundingRate: fx("0.0000125")})
	}
	for a := range 21 {
		id := "model-" + strconv.Itoa(a)
		ex.OpenAccount(id)
		for i, m := range cfg.Markets {
			side, sign := arena.Long, int64(1)
			if (a+i)%2 == 1 {
				side, sign = arena.Short, -1
			}
			stop := mids[i] - mids[i].Div(fx("20")).MulInt(sign) // 5% away
			target := mids[i] + mids[i].Div(fx("20")).MulInt(sign)
			_, err := ex.SubmitOrder(now, arena.OrderRequest{
				AccountID: id, OrderID: id + string(m.Symbol), Symbol: m.Symbol, Side: side, Type: arena.OrderMarket,
				Quantity: m.MinSize.MulInt(int64(5 + a)), Leverage: fx("5"),
				ExitPlan: arena.ExitPlan{Stop: stop, Target: target, TimeExit: now.Add(365 * 24 * time.Hour)},
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	// Per market: "up" inserts a better bid and resizes level 10 of the
	// asks; "down" removes it again and restores the size.
	type pair struct{ up, down arena.BookUpdate }
	var deltas []pair
	for i, m := range cfg.Markets {
		top := mids[i] // one tick better than the best bid
		deep := mids[i] + m.TickSize.MulInt(10)
		size := m.MinSize.MulInt(2000)
		deltas = append(deltas, pair{
			up:   arena.BookUpdate{Symbol: m.Symbol, Bids: []arena.Level{{Price: top, Size: size}}, Asks: []arena.Level{{Price: deep, Size: size.MulInt(2)}}},
			down: arena.BookUpdate{Symbol: m.Symbol, Bids: []arena.Level{{Price: top, Size: 0}}, Asks: []arena.Level{{Price: deep, Size: size}}},
		})
	}
	positions := 0
	for _, a := range ex.accounts {
		for _, s := range a.slots {
			if s.pos.Quantity > 0 {
				positions++
			}
		}
	}
	if positions != 63 {
		b.Fatalf("%d positions open, want 63", positions)
	}
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		now = now.Add(time.Millisecond)
		d := &deltas[i%3]
		u := &d.up
		if (i/3)%2 == 1 {
			u = &d.down
		}
		if err := ex.ApplyBook(now, *u); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "updates/s")
	for _, a := range ex.accounts {
		for _, s := range a.slots {
			if s.pos.Quantity == 0 {
				b.Fatal("a position closed during the benchmark; the triggers are not what is measured")
			}
		}
	}
}

// BenchmarkMarketOrder submits market orders that each walk all 50 levels
// of one side of a book (alternately buying and selling, so the account
// opens and closes a position), with zero latency and no sink. The consumed
// side is refreshed after each order, as a venue update would.
func BenchmarkMarketOrder(b *testing.B) {
	cfg := DefaultConfig()
	cfg.TakerLatency = 0
	cfg.StartingCapital = arena.FixedInt(1_000_000_000)
	cfg.StaleAfter = 0
	ex, err := New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	btc := cfg.Markets[0]
	if btc.Symbol != "BTC" {
		b.Fatal("first default market is not BTC")
	}
	ex.OpenAccount("a")
	if err := ex.ApplyBook(t0, benchBook(btc, fx("97000"), 50, fx("0.01"))); err != nil {
		b.Fatal(err)
	}
	ids := make([]string, 1<<14)
	for i := range ids {
		ids[i] = "o" + strconv.Itoa(i)
	}
	m := ex.bySymbol["BTC"]
	req := arena.OrderRequest{AccountID: "a", Symbol: "BTC", Type: arena.OrderMarket, Quantity: fx("0.5"), Leverage: fx("10")}
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		req.OrderID = ids[i%len(ids)]
		req.Side = arena.Long
		if i%2 == 1 {
			req.Side = arena.Short
		}
		o, err := ex.SubmitOrder(t0, req)
		if err != nil || o.Filled != req.Quantity {
			b.Fatalf("order %d: %+v %v", i, o, err)
		}
		for j := range m.book.opposite(req.Side).levels {
			m.book.opposite(req.Side).levels[j].used = 0
		}
		i++
	}
}

// TestHotPathsDoNotAllocate guards the benchmarks' zero-allocation claim in
// the ordinary test run.
func TestHotPathsDoNotAllocate(t *testing.T) {
	cfg := DefaultConfig()
	cfg.TakerLatency, cfg.StaleAfter = 0, 0
	cfg.StartingCapital = arena.FixedInt(1_000_000_000)
	ex, _ := New(cfg)
	ex.OpenAccount("a")
	btc := cfg.Markets[0]
	ex.ApplyBook(t0, benchBook(btc, fx("97000"), 50, fx("0.01")))
	ids := make([]string, 4096)
	for i := range ids {
		ids[i] = "o" + strconv.Itoa(i)
	}
	m := ex.bySymbol["BTC"]
	i := 0
	order := func() {
		side := arena.Long
		if i%2 == 1 {
			side = arena.Short
		}
		req := arena.OrderRequest{AccountID: "a", OrderID: ids[i%len(ids)], Symbol: "BTC", Side: side,
			Type: arena.OrderMarket, Quantity: fx("0.3"), Leverage: fx("10"),
			ExitPlan: arena.ExitPlan{Stop: fx("90000"), Target: fx("99000")}}
		if side == arena.Short {
			req.ExitPlan = arena.ExitPlan{}
		}
		if o, err := ex.SubmitOrder(t0, req); err != nil || o.State != arena.OrderFilled {
			t.Fatalf("%+v %v", o, err)
		}
		for j := range m.book.opposite(side).levels {
			m.book.opposite(side).levels[j].used = 0
		}
		i++
	}
	for range 3000 { // fill the idempotency window first
		order()
	}
	if n := testing.AllocsPerRun(1000, order); n != 0 {
		t.Errorf("market order: %v allocations per run", n)
	}
	up := arena.BookUpdate{Symbol: "BTC", Bids: []arena.Level{{Price: fx("97000"), Size: fx("1")}}}
	down := arena.BookUpdate{Symbol: "BTC", Bids: []arena.Level{{Price: fx("97000"), Size: 0}}}
	now := t0
	update := func() {
		now = now.Add(time.Millisecond)
		ex.ApplyBook(now, up)
		ex.ApplyBook(now, down)
	}
	if n := testing.AllocsPerRun(1000, update); n != 0 {
		t.Errorf("book update: %v allocations per run", n)
	}
}
