package exchange

import (
	"encoding/json"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/autonome-go/autonome/shared/arena"
)

func compareBatches(t *testing.T, a, b []arena.Batch) {
	t.Helper()
	if len(a) == 0 {
		t.Fatal("no batches recorded")
	}
	if diff := cmp.Diff(a, b); diff != "" {
		t.Fatalf("runs differ (-first +second):\n%s", diff)
	}
}

// scripted drives an exchange with a pseudo-random but seeded tape of book
// updates, trades, stats and orders from several accounts.
type scripted struct {
	h    *harness
	rng  *rand.Rand
	mids map[arena.Symbol]arena.Fixed
	n    int
}

func newScripted(t testing.TB, seed uint64, mod func(*Config)) *scripted {
	h := newHarness(t, mod, "a", "b", "c")
	h.now = t0
	return &scripted{h: h, rng: rand.New(rand.NewPCG(seed, 99)), mids: map[arena.Symbol]arena.Fixed{"BTC": fx("100"), "ETH": fx("10")}}
}

func (s *scripted) symbol() arena.Symbol {
	if s.rng.IntN(3) == 0 {
		return "ETH"
	}
	return "BTC"
}

// book publishes a fresh snapshot around a randomly walking mid.
func (s *scripted) book(sym arena.Symbol) {
	m := s.h.ex.bySymbol[sym]
	tick := m.spec.TickSize
	move := tick.MulInt(int64(s.rng.IntN(21) - 10))
	if s.rng.IntN(100) == 0 { // an occasional gap of up to ±12%
		move = s.mids[sym].Mul(arena.Fixed(int64(s.rng.IntN(24_000_001)) - 12_000_000)).FloorTo(tick)
	}
	mid := max(s.mids[sym]+move, tick.MulInt(100))
	s.mids[sym] = mid
	var bids, asks []arena.Level
	for i := range 8 {
		size := s.sized(sym, 1000, 15_000)
		bids = append(bids, arena.Level{Price: mid - tick.MulInt(int64(i+1)), Size: size})
		asks = append(asks, arena.Level{Price: mid + tick.MulInt(int64(i+1)), Size: size})
	}
	s.h.ex.ApplyBook(s.h.step(time.Duration(1+s.rng.IntN(400))*time.Millisecond), arena.BookUpdate{Symbol: sym, Snapshot: true, Bids: bids, Asks: asks})
}

// sized returns a random quantity of sym worth between lo and hi USDT.
func (s *scripted) sized(sym arena.Symbol, lo, hi int) arena.Fixed {
	m := s.h.ex.bySymbol[sym]
	notional := arena.FixedInt(int64(lo + s.rng.IntN(hi-lo)))
	return max(notional.Div(s.mids[sym]).FloorTo(m.spec.LotSize), m.spec.MinSize)
}

func (s *scripted) op() {
	s.n++
	h, r := s.h, s.rng
	acct := []string{"a", "b", "c"}[r.IntN(3)]
	sym := s.symbol()
	m := h.ex.bySymbol[sym]
	side := arena.Long
	if r.IntN(2) == 0 {
		side = arena.Short
	}
	qty := s.sized(sym, 10, 90_000)
	id := acct + strconv.Itoa(s.n)
	switch k := r.IntN(20); {
	case k < 7:
		s.book(sym)
	case k < 11:
		h.ex.SubmitOrder(h.step(time.Millisecond), arena.OrderRequest{AccountID: acct, OrderID: id, Symbol: sym, Side: side,
			Type: arena.OrderMarket, Quantity: qty, Leverage: arena.FixedInt(int64(1 + r.IntN(10)))})
		if k == 10 { // lever up: most of what is available, at max leverage
			avail := h.snapshot(acct).Available
			if p, ok := h.position(acct, sym); ok {
				side = p.Side
			}
			if q := avail.MulInt(9).Div(s.mids[sym]).FloorTo(m.spec.LotSize); q >= m.spec.MinSize {
				h.ex.SubmitOrder(h.step(time.Millisecond), arena.OrderRequest{AccountID: acct, OrderID: id + "+", Symbol: sym,
					Side: side, Type: arena.OrderMarket, Quantity: q, Leverage: fx("10")})
			}
		}
	case k < 14:
		off := m.spec.TickSize.MulInt(int64(r.IntN(9) - 3))
		price := s.mids[sym] - off
		if side == arena.Short {
			price = s.mids[sym] + off
		}
		tif := []arena.TimeInForce{arena.GTC, arena.IOC, arena.PostOnly}[r.IntN(3)]
		h.ex.SubmitOrder(h.step(time.Millisecond), arena.OrderRequest{AccountID: acct, OrderID: id, Symbol: sym, Side: side,
			Type: arena.OrderLimit, TimeInForce: tif, Quantity: qty, Price: price, Leverage: fx("3"), ReduceOnly: r.IntN(5) == 0})
	case k < 16:
		mid := s.mids[sym]
		h.ex.ApplyTrade(h.step(time.Millisecond), arena.TradePrint{Symbol: sym, Price: mid + m.spec.TickSize.MulInt(int64(r.IntN(7)-3)),
			Size: s.sized(sym, 10, 5000), TakerBuy: r.IntN(2) == 0})
	case k == 16:
		h.ex.ClosePosition(h.step(time.Millisecond), acct, id, sym)
	case k == 17:
		mark := s.mids[sym]
		plan := arena.ExitPlan{Stop: mark - mark.Div(fx("50")), Target: mark + mark.Div(fx("40")), TimeExit: h.now.Add(time.Duration(r.IntN(3600)) * time.Second)}
		if p, ok := h.position(acct, sym); ok && p.Side == arena.Short {
			plan.Stop, plan.Target = mark+mark.Div(fx("50")), mark-mark.Div(fx("40"))
		}
		h.ex.UpdateExitPlan(h.step(time.Millisecond), acct, sym, plan)
	case k == 18:
		h.ex.ApplyStats(h.step(time.Millisecond), arena.MarketStats{Symbol: sym, MarkPrice: s.mids[sym],
			FundingRate: arena.Fixed(int64(r.IntN(2001)) - 1000)}) // ±0.00001 per hour
		h.ex.Advance(h.step(time.Duration(r.IntN(20)) * time.Minute))
	default:
		if ords := h.snapshot(acct).Orders; len(ords) > 0 {
			h.ex.CancelOrder(h.step(time.Millisecond), acct, ords[r.IntN(len(ords))].OrderID)
		} else if r.IntN(10) == 0 {
			h.ex.ResetAccount(h.step(time.Millisecond), acct)
		}
	}
}

func TestDeterministicReplay(t *testing.T) {
	run := func() []arena.Batch {
		s := newScripted(t, 42, func(c *Config) { c.SlippageBps = fx("4") })
		s.book("BTC")
		s.book("ETH")
		for range 1500 {
			s.op()
		}
		return s.h.rec.Batches()
	}
	first, second := run(), run()
	compareBatches(t, first, second)
	// Records are serialisable: they survive JSON exactly.
	raw, err := json.Marshal(first)
	if err != nil {
		t.Fatal(err)
	}
	var decoded []arena.Batch
	if err := json.Unmarshal(raw, &decoded); err != nil {
		t.Fatal(err)
	}
	compareBatches(t, first, decoded)
	fills := 0
	for _, b := range first {
		fills += len(b.Fills)
	}
	if fills < 100 {
		t.Fatalf("the script produced only %d fills; it does not exercise much", fills)
	}
}
