package synthetic

import (
	"context"
	"errors"
	"math"
	"reflect"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/marketdata"
)

var start = time.Date(2026, 5, 5, 12, 0, 1, 0, time.UTC)

func newFeed(t testing.TB, cfg Config) *Feed {
	t.Helper()
	if cfg.Start.IsZero() {
		cfg.Start = start
	}
	cfg.Fast = true
	f, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// collect runs f to the end and returns every message.
func collect(t testing.TB, f *Feed) []marketdata.Message {
	t.Helper()
	var got []marketdata.Message
	err := f.Run(context.Background(), marketdata.SinkFunc(func(_ context.Context, m marketdata.Message) error {
		got = append(got, m)
		return nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestSameSeedSameStream(t *testing.T) {
	t.Parallel()
	a := collect(t, newFeed(t, Config{Seed: 7, Ticks: 300}))
	b := collect(t, newFeed(t, Config{Seed: 7, Ticks: 300}))
	if len(a) < 300*3 {
		t.Fatalf("only %d messages in 300 ticks", len(a))
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("same seed, different streams (-a +b):\n%s", cmp.Diff(a, b))
	}
	c := collect(t, newFeed(t, Config{Seed: 8, Ticks: 300}))
	if reflect.DeepEqual(a, c) {
		t.Fatal("different seeds gave the same stream")
	}
	// Symbols draw from their own streams: dropping SOL leaves BTC unchanged.
	d := collect(t, newFeed(t, Config{Seed: 7, Ticks: 300, Markets: arena.DefaultMarkets()[:2]}))
	if !reflect.DeepEqual(only(a, "BTC"), only(d, "BTC")) {
		t.Fatalf("BTC stream depends on other markets (-a +d):\n%s", cmp.Diff(only(a, "BTC"), only(d, "BTC")))
	}
}

func only(ms []marketdata.Message, sym arena.Symbol) []marketdata.Message {
	var out []marketdata.Message
	for _, m := range ms {
		if m.Symbol() == sym {
			out = append(out, m)
		}
	}
	return out
}

// TestBookIsConsistent replays the stream into books and checks what a
// simulator relies on: books never cross, every price and size is on the
// market's grid, depth stays in range, sequence numbers have no gaps.
func TestBookIsConsistent(t *testing.T) {
	t.Parallel()
	cfg := Config{Seed: 3, Ticks: 3000, SnapshotEvery: 100, Depth: 30}
	msgs := collect(t, newFeed(t, cfg))
	markets := map[arena.Symbol]arena.Market{}
	books := map[arena.Symbol]*marketdata.Book{}
	for _, m := range arena.DefaultMarkets() {
		markets[m.Symbol] = m
		books[m.Symbol] = marketdata.NewBook(m.Symbol)
	}
	var snapshots, deltas, trades, stats int
	for _, msg := range msgs {
		sym := msg.Symbol()
		mkt, book := markets[sym], books[sym]
		switch msg.Kind {
		case marketdata.KindBook:
			u := msg.Book
			if u.Snapshot {
				snapshots++
			} else {
				deltas++
			}
			if u.Seq != book.Seq()+1 {
				t.Fatalf("%s seq %d after %d", sym, u.Seq, book.Seq())
			}
			checkGrid(t, mkt, append(append([]arena.Level(nil), u.Bids...), u.Asks...), !u.Snapshot)
			if err := book.Apply(u); err != nil {
				t.Fatal(err)
			}
			checkBook(t, mkt, book, cfg.Depth)
		case marketdata.KindTrade:
			trades++
			tr := msg.Trade
			if !tr.Price.IsMultipleOf(mkt.TickSize) || !tr.Size.IsMultipleOf(mkt.LotSize) || tr.Size <= 0 {
				t.Fatalf("%s trade off grid: %+v", sym, tr)
			}
		case marketdata.KindStats:
			stats++
			s := msg.Stats
			if !s.MarkPrice.IsMultipleOf(mkt.TickSize) || s.OpenInterest <= 0 || s.DailyVolume <= 0 {
				t.Fatalf("%s stats: %+v", sym, s)
			}
		}
	}
	if snapshots != 3*30 || deltas < 3*2800 || trades < 1000 || stats != 3*1500 {
		t.Errorf("snapshots %d, deltas %d, trades %d, stats %d", snapshots, deltas, trades, stats)
	}
}

// TestDeltasRebuildSnapshots runs the same market twice, once with periodic
// snapshots and once with deltas only: the book the deltas build must equal
// every snapshot of the other run.
func TestDeltasRebuildSnapshots(t *testing.T) {
	t.Parallel()
	type key struct {
		sym arena.Symbol
		t   time.Time
	}
	snaps := map[key]arena.BookUpdate{}
	for _, m := range collect(t, newFeed(t, Config{Seed: 4, Ticks: 2000, SnapshotEvery: 50})) {
		if m.Kind == marketdata.KindBook && m.Book.Snapshot {
			snaps[key{m.Book.Symbol, m.Book.Time}] = m.Book
		}
	}
	books := map[arena.Symbol]*marketdata.Book{}
	compared := 0
	for _, m := range collect(t, newFeed(t, Config{Seed: 4, Ticks: 2000, SnapshotEvery: 1 << 30})) {
		if m.Kind != marketdata.KindBook {
			continue
		}
		u := m.Book
		if books[u.Symbol] == nil {
			books[u.Symbol] = marketdata.NewBook(u.Symbol)
		}
		must(t, books[u.Symbol].Apply(u))
		want, ok := snaps[key{u.Symbol, u.Time}]
		if !ok {
			continue
		}
		compared++
		if diff := cmp.Diff(want, books[u.Symbol].Snapshot(0), cmp.FilterPath(isSeq, cmp.Ignore())); diff != "" {
			t.Fatalf("%s at %v: deltas did not rebuild the snapshot (-snapshot +rebuilt):\n%s", u.Symbol, u.Time, diff)
		}
	}
	if compared < 3*39 {
		t.Errorf("compared only %d snapshots", compared)
	}
}

func isSeq(p cmp.Path) bool { return p.String() == "Seq" }

func checkGrid(t *testing.T, m arena.Market, ls []arena.Level, delta bool) {
	t.Helper()
	for _, l := range ls {
		if !l.Price.IsMultipleOf(m.TickSize) || !(l.Size.IsMultipleOf(m.LotSize) || l.Size == 0) || (l.Size == 0 && !delta) {
			t.Fatalf("%s level off grid: %s@%s", m.Symbol, l.Size, l.Price)
		}
	}
}

func checkBook(t *testing.T, m arena.Market, b *marketdata.Book, depth int) {
	t.Helper()
	bid, okb := b.BestBid()
	ask, oka := b.BestAsk()
	if !okb || !oka || bid.Price >= ask.Price {
		t.Fatalf("%s book bad at seq %d: bid %v ask %v", m.Symbol, b.Seq(), bid, ask)
	}
	if spread := (ask.Price - bid.Price).Float64() / bid.Price.Float64(); spread > 0.001 {
		t.Fatalf("%s spread %.5f of price", m.Symbol, spread)
	}
	nb, na := b.Depth()
	if nb < depth-3 || nb > depth || na < depth-3 || na > depth {
		t.Fatalf("%s depth %d/%d, want about %d", m.Symbol, nb, na, depth)
	}
}

func TestHistoryAtStart(t *testing.T) {
	f := newFeed(t, Config{Seed: 1})
	ctx := t.Context()
	for _, m := range arena.DefaultMarkets() {
		p, _ := DefaultParams(m.Symbol)
		for _, c := range []struct {
			res time.Duration
			n   int
		}{{marketdata.Resolution5m, marketdata.Bars5m}, {marketdata.Resolution4h, marketdata.Bars4h}} {
			bars, err := f.Candles(ctx, m.Symbol, c.res, c.n)
			if err != nil {
				t.Fatal(err)
			}
			if len(bars) != c.n {
				t.Fatalf("%s %v: %d bars", m.Symbol, c.res, len(bars))
			}
			for i, b := range bars {
				if i > 0 && !b.Start.Equal(bars[i-1].Start.Add(c.res)) {
					t.Fatalf("%s %v: bar %d starts %v after %v", m.Symbol, c.res, i, b.Start, bars[i-1].Start)
				}
				if !(b.Low <= math.Min(b.Open, b.Close) && b.High >= math.Max(b.Open, b.Close) && b.Low > 0 && b.Volume > 0) {
					t.Fatalf("%s %v: malformed bar %+v", m.Symbol, c.res, b)
				}
			}
			last := bars[len(bars)-1]
			if !last.Start.Equal(marketdata.BarStart(start, c.res)) || !near(last.Close, p.StartPrice.Float64()) {
				t.Fatalf("%s %v: last bar %+v, want start %v close %s", m.Symbol, c.res, last, start, p.StartPrice)
			}
		}
		s, err := f.Stats(ctx, m.Symbol)
		if err != nil || s.DailyVolume <= 0 || s.DailyChange == 0 || s.OpenInterest <= 0 || s.FundingRate == 0 {
			t.Fatalf("%s stats at start: %+v, %v", m.Symbol, s, err)
		}
	}
	if _, err := f.Candles(ctx, "DOGE", marketdata.Resolution5m, 10); arena.ErrorCode(err) != arena.CodeInvalid {
		t.Errorf("unknown symbol: %v", err)
	}
	if _, err := f.Candles(ctx, "BTC", time.Hour, 10); arena.ErrorCode(err) != arena.CodeInvalid {
		t.Errorf("unknown resolution: %v", err)
	}
}

func TestHistoryFollowsTheStream(t *testing.T) {
	f := newFeed(t, Config{Seed: 2, Interval: 10 * time.Second, Ticks: 100}) // 1000 s: crosses 5m bars
	msgs := collect(t, f)
	books := marketdata.NewBook("ETH")
	var lastTime time.Time
	for _, m := range only(msgs, "ETH") {
		if m.Kind == marketdata.KindBook {
			must(t, books.Apply(m.Book))
			lastTime = m.Book.Time
		}
	}
	bars, err := f.Candles(t.Context(), "ETH", marketdata.Resolution5m, 10)
	if err != nil {
		t.Fatal(err)
	}
	mid, _ := books.Mid()
	last := bars[len(bars)-1]
	if !last.Start.Equal(marketdata.BarStart(lastTime, marketdata.Resolution5m)) || !near(last.Close, mid.Float64()) {
		t.Errorf("last bar %+v; want start %v close %s", last, marketdata.BarStart(lastTime, marketdata.Resolution5m), mid)
	}
	for i := 1; i < len(bars); i++ {
		if !bars[i].Start.Equal(bars[i-1].Start.Add(marketdata.Resolution5m)) {
			t.Fatalf("gap between %v and %v", bars[i-1].Start, bars[i].Start)
		}
	}
}

// TestRealisedVolatility checks the calibration a user cares about: over two
// simulated weeks the five-minute returns of the book mid annualise to about
// the configured volatility (jumps add a little), and the ordering holds.
func TestRealisedVolatility(t *testing.T) {
	t.Parallel()
	quiet := map[arena.Symbol]Params{}
	for _, sym := range []arena.Symbol{"BTC", "ETH", "SOL"} {
		p, _ := DefaultParams(sym)
		p.TradesPerSecond = 0.001 // prints do not move the mid; skip their cost
		quiet[sym] = p
	}
	f := newFeed(t, Config{Seed: 11, Interval: 5 * time.Minute, Ticks: 14 * 24 * 12, SnapshotEvery: 1000, StatsEvery: 1000, Params: quiet})
	last := map[arena.Symbol]float64{}
	sumSq := map[arena.Symbol]float64{}
	count := map[arena.Symbol]int{}
	books := map[arena.Symbol]*marketdata.Book{}
	n := 0
	err := f.Run(t.Context(), marketdata.SinkFunc(func(_ context.Context, m marketdata.Message) error {
		if m.Kind != marketdata.KindBook {
			return nil
		}
		sym := m.Book.Symbol
		if books[sym] == nil {
			books[sym] = marketdata.NewBook(sym)
		}
		must(t, books[sym].Apply(m.Book))
		if n++; m.Book.Time.Sub(start)%(5*time.Minute) != 0 {
			return nil
		}
		mid, _ := books[sym].Mid()
		if p := last[sym]; p > 0 {
			r := math.Log(mid.Float64() / p)
			sumSq[sym] += r * r
			count[sym]++
		}
		last[sym] = mid.Float64()
		return nil
	}))
	must(t, err)
	perYear := year.Minutes() / 5
	var prev float64
	for _, sym := range []arena.Symbol{"BTC", "ETH", "SOL"} {
		p, _ := DefaultParams(sym)
		vol := math.Sqrt(sumSq[sym] / float64(count[sym]) * perYear)
		t.Logf("%s realised %.3f configured %.2f over %d returns", sym, vol, p.Vol, count[sym])
		if vol < 0.8*p.Vol || vol > 1.35*p.Vol || vol <= prev {
			t.Errorf("%s realised volatility %.3f, configured %.2f", sym, vol, p.Vol)
		}
		prev = vol
	}
}

func TestPriceProcessVolatility(t *testing.T) {
	p := Params{Vol: 0.65}
	pp := newPriceProcess(3300, p)
	rng := rngFor(5, "ETH", "test")
	var sumSq float64
	const steps = 100_000
	for range steps {
		r := pp.step(rng, time.Hour)
		sumSq += r * r
	}
	vol := math.Sqrt(sumSq / steps * 365 * 24)
	if math.Abs(vol-0.65) > 0.03 {
		t.Errorf("realised %.4f, want 0.65±0.03", vol)
	}
}

func TestFundingTakesBothSignsAndStaysSmall(t *testing.T) {
	rng := rngFor(9, "BTC", "test")
	p, _ := DefaultParams("BTC")
	x, neg, maxAbs := p.FundingMean, 0, 0.0
	const steps = 50_000
	for range steps {
		x = ouStep(rng, x, p.FundingMean, p.FundingVol, 10*time.Minute, fundingReversion)
		if x < 0 {
			neg++
		}
		maxAbs = math.Max(maxAbs, math.Abs(x))
	}
	if share := float64(neg) / steps; share < 0.15 || share > 0.45 {
		t.Errorf("negative %.2f of the time", share)
	}
	if maxAbs > 0.0002 {
		t.Errorf("max |rate| %.6f per hour", maxAbs)
	}
}

func TestPacedOnTheClock(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		begin := time.Now()
		f, err := New(Config{Seed: 1, Ticks: 5, Interval: 500 * time.Millisecond})
		must(t, err)
		if !f.Start().Equal(begin.Truncate(500 * time.Millisecond).UTC()) {
			t.Errorf("start %v, now %v", f.Start(), begin)
		}
		var stamps []time.Duration
		must(t, f.Run(t.Context(), marketdata.SinkFunc(func(_ context.Context, m marketdata.Message) error {
			if m.Kind == marketdata.KindBook && m.Book.Symbol == "BTC" {
				stamps = append(stamps, time.Since(begin))
				if !m.Time().Equal(f.Start().Add(time.Since(begin))) {
					t.Errorf("message at %v stamped %v", time.Now(), m.Time())
				}
			}
			return nil
		})))
		want := []time.Duration{0, 500 * time.Millisecond, time.Second, 1500 * time.Millisecond, 2 * time.Second}
		if diff := cmp.Diff(want, stamps); diff != "" {
			t.Errorf("tick times (-want +got):\n%s", diff)
		}
	})
}

func TestRunStops(t *testing.T) {
	f := newFeed(t, Config{})
	boom := errors.New("boom")
	err := f.Run(t.Context(), marketdata.SinkFunc(func(context.Context, marketdata.Message) error { return boom }))
	if !errors.Is(err, boom) {
		t.Errorf("sink error: %v", err)
	}
	if err := f.Run(t.Context(), marketdata.SinkFunc(nil)); err == nil {
		t.Error("second Run accepted")
	}
	ctx, cancel := context.WithCancel(t.Context())
	g := newFeed(t, Config{})
	n := 0
	err = g.Run(ctx, marketdata.SinkFunc(func(context.Context, marketdata.Message) error {
		if n++; n == 100 {
			cancel()
		}
		return nil
	}))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled run: %v", err)
	}
}

func TestConfigValidation(t *testing.T) {
	btc := arena.DefaultMarkets()[0]
	doge := btc
	doge.Symbol = "DOGE"
	bad := map[string]Config{
		"depth too small":   {Depth: 10},
		"depth too large":   {Depth: 60},
		"negative ticks":    {Ticks: -1},
		"no params":         {Markets: []arena.Market{doge}},
		"duplicate market":  {Markets: []arena.Market{btc, btc}},
		"tiny interval":     {Interval: time.Microsecond},
		"zero volatility":   {Params: map[arena.Symbol]Params{"BTC": {StartPrice: arena.FixedInt(1000), TopNotional: 1, TradeNotional: 1, OpenInterest: 1}}},
		"price under ticks": {Params: map[arena.Symbol]Params{"BTC": {StartPrice: arena.FixedInt(5), Vol: 0.5, TopNotional: 1, TradeNotional: 1, OpenInterest: 1}}},
	}
	for name, cfg := range bad {
		cfg.Start = start
		if _, err := New(cfg); arena.ErrorCode(err) != arena.CodeInvalid {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Abs(b) }

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
