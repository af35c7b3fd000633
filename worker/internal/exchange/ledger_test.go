package exchange

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/autonome-go/autonome/shared/arena"
)

// TestLedgerProperty runs long seeded random sequences of every operation
// and checks, throughout, that the money adds up and nothing goes negative.
func TestLedgerProperty(t *testing.T) {
	var liquidations, insured, fills, funding, resting int
	for _, seed := range []uint64{1, 2, 3, 4} {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			s := newScripted(t, seed, func(c *Config) { c.SlippageBps = fx("2") })
			s.book("BTC")
			s.book("ETH")
			for i := range 3000 {
				s.op()
				checkInvariants(t, s.h)
				if i%500 == 499 {
					for _, id := range []string{"a", "b", "c"} {
						s.h.checkLedger(id)
					}
				}
			}
			for _, id := range []string{"a", "b", "c"} {
				s.h.checkLedger(id)
			}
			checkOrderRecords(t, s.h)
			var seq uint64
			for i, b := range s.h.rec.Batches() {
				if b.Seq != uint64(i+1) {
					t.Fatalf("batch %d has seq %d", i+1, b.Seq)
				}
				liquidations += len(b.Liquidations)
				insured += len(b.Insurance)
				fills += len(b.Fills)
				funding += len(b.Funding)
				for _, o := range b.Orders {
					if o.State == arena.OrderResting && o.Filled > 0 {
						resting++
					}
					if o.Seq <= seq {
						t.Fatalf("record seq %d after %d", o.Seq, seq)
					}
				}
			}
		})
	}
	t.Logf("fills %d, partly filled resting %d, funding payments %d, liquidations %d, insurance entries %d",
		fills, resting, funding, liquidations, insured)
	if funding == 0 || resting == 0 || fills < 1000 {
		t.Fatal("the random script no longer reaches funding and resting fills") // liquidation: TestLiquidationProperty
	}
}

// checkInvariants checks the structure of the whole exchange.
func checkInvariants(t *testing.T, h *harness) {
	t.Helper()
	e := h.ex
	for _, m := range e.markets {
		for _, side := range []*bookSide{&m.book.bids, &m.book.asks} {
			for i, l := range side.levels {
				if l.size <= 0 || l.used < 0 || l.used > l.size {
					t.Fatalf("%s level %+v", m.spec.Symbol, l)
				}
				if i > 0 && !side.better(l.price, side.levels[i-1].price) {
					t.Fatalf("%s side out of order at %s", m.spec.Symbol, l.price)
				}
			}
		}
		regs := 0
		for _, a := range e.accounts {
			for _, r := range a.slots[m.idx].trig {
				if r.price != 0 {
					regs++
				}
			}
		}
		if n := len(m.below.items) + len(m.above.items); n != regs {
			t.Fatalf("%s: %d triggers in the index, %d registered", m.spec.Symbol, n, regs)
		}
	}
	for _, a := range e.accounts {
		reserved := arena.Fixed(0)
		for _, lo := range a.live {
			o := lo.order
			if o.Filled < 0 || (o.Quantity > 0 && o.Filled >= o.Quantity) || o.State.Final() {
				t.Fatalf("live order %+v", o)
			}
			reserved += lo.reserved
		}
		if reserved != a.orderMargin {
			t.Fatalf("%s: order margin %s, reserved %s", a.id, a.orderMargin, reserved)
		}
		v := e.value(a)
		for i := range a.slots {
			p := a.slots[i].pos
			if p.Quantity < 0 || p.Margin < 0 || (p.Quantity > 0) != (p.Status == arena.PositionOpen) {
				t.Fatalf("%s position %+v", a.id, p)
			}
		}
		if v.open > 0 && v.equity < v.maint && !a.underwater {
			t.Fatalf("%s: equity %s below maintenance %s and not being liquidated", a.id, v.equity, v.maint)
		}
		if v.open == 0 && a.cash < 0 {
			t.Fatalf("%s: flat with negative cash %s", a.id, a.cash)
		}
	}
}

// TestCheckLedgerDetectsTampering makes sure the checker can fail.
func TestCheckLedgerDetectsTampering(t *testing.T) {
	h := newHarness(t, nil)
	h.around("BTC", "100")
	h.mustSubmit(mkt("o1", arena.Long, "1"))
	h.around("BTC", "110")
	h.mustSubmit(mkt("o2", arena.Short, "1"))
	capital := h.ex.cfg.StartingCapital
	if _, err := arena.CheckLedger("a", capital, h.rec.Batches()); err != nil {
		t.Fatalf("clean ledger: %v", err)
	}
	tamper := map[string]func(bs []arena.Batch){
		"fee":      func(bs []arena.Batch) { bs[len(bs)-1].Fills[0].Fee++ },
		"pnl":      func(bs []arena.Batch) { bs[len(bs)-1].Fills[0].RealizedPnL-- },
		"cash":     func(bs []arena.Batch) { bs[len(bs)-1].Fills[0].CashAfter++ },
		"quantity": func(bs []arena.Batch) { bs[len(bs)-1].Fills[0].Quantity = fx("0.5") },
		"missing":  func(bs []arena.Batch) { bs[len(bs)-1].Fills = nil },
		"order":    func(bs []arena.Batch) { bs[0], bs[len(bs)-1] = bs[len(bs)-1], bs[0] },
	}
	for name, f := range tamper {
		bs := h.rec.Batches()
		for i := range bs {
			bs[i] = bs[i].Clone()
		}
		f(bs)
		if _, err := arena.CheckLedger("a", capital, bs); err == nil {
			t.Errorf("%s: tampered ledger passed", name)
		}
	}
}

// TestLiquidationProperty keeps accounts at maximum leverage on a volatile
// random walk with gaps, so liquidations (partial, complete and bankrupt)
// happen often, and checks the same invariants.
func TestLiquidationProperty(t *testing.T) {
	s := newScripted(t, 11, nil)
	s.book("BTC")
	s.book("ETH")
	var liquidations, insured int
	for i := range 3000 {
		r := s.rng
		switch k := r.IntN(10); {
		case k < 3:
			acct := []string{"a", "b", "c"}[r.IntN(3)]
			sym := s.symbol()
			m := s.h.ex.bySymbol[sym]
			side := []arena.Side{arena.Long, arena.Short}[r.IntN(2)]
			snap := s.h.snapshot(acct)
			if snap.Equity < arena.FixedInt(1000) && len(snap.Positions) == 0 {
				s.h.ex.ResetAccount(s.h.step(time.Millisecond), acct) // a wiped-out account starts again
				continue
			}
			q := snap.Available.MulInt(9).Div(s.mids[sym]).FloorTo(m.spec.LotSize)
			if q >= m.spec.MinSize {
				s.h.ex.SubmitOrder(s.h.step(time.Millisecond), arena.OrderRequest{AccountID: acct, OrderID: fmt.Sprint("L", i), Symbol: sym,
					Side: side, Type: arena.OrderMarket, Quantity: q, Leverage: fx("10")})
			}
		case k < 9:
			s.book(s.symbol())
		default:
			sym := s.symbol()
			m := s.h.ex.bySymbol[sym]
			s.mids[sym] = s.mids[sym].Mul(fx("0.8") + arena.Fixed(r.IntN(40_000_001))).FloorTo(m.spec.TickSize) // gap of up to ±20%
			s.book(sym)
		}
		checkInvariants(t, s.h)
	}
	for _, b := range s.h.rec.Batches() {
		liquidations += len(b.Liquidations)
		insured += len(b.Insurance)
	}
	for _, id := range []string{"a", "b", "c"} {
		s.h.checkLedger(id)
	}
	t.Logf("liquidations %d, insurance entries %d", liquidations, insured)
	if liquidations < 20 || insured == 0 {
		t.Fatalf("only %d liquidations and %d insurance entries: the scenario no longer stresses liquidation", liquidations, insured)
	}
}

// checkOrderRecords checks that the last recorded version of every client
// order is the order's current state: what a persistence layer stores is
// what the exchange holds.
func checkOrderRecords(t *testing.T, h *harness) {
	t.Helper()
	last := map[[2]string]arena.Order{}
	for _, b := range h.rec.Batches() {
		for _, o := range b.Orders {
			last[[2]string{o.AccountID, o.OrderID}] = o
		}
	}
	checked := 0
	for key, rec := range last {
		cur, err := h.ex.Order(key[0], key[1])
		if err != nil {
			continue // a system order, or forgotten by the idempotency window
		}
		checked++
		if diff := cmp.Diff(rec, cur); diff != "" {
			t.Fatalf("order %s: last record differs from the exchange (-record +exchange):\n%s", key[1], diff)
		}
	}
	if checked < 50 {
		t.Fatalf("only %d orders checked", checked)
	}
}
