package exchange

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/autonome-go/autonome/shared/arena"
)

// TestRestoreRoundTrip builds up state with a random script, exports it,
// sends it through JSON (as a database would), restores it into a new
// exchange, and checks that both value every account identically at the
// same marks and then produce identical records for the same future.
func TestRestoreRoundTrip(t *testing.T) {
	withSlippage := func(c *Config) {
		c.SlippageBps, c.TakerLatency, c.MakerLatency = fx("3"), 100*time.Millisecond, 30*time.Millisecond
	}
	orig := newScripted(t, 5, withSlippage)
	orig.book("BTC")
	orig.book("ETH")
	for range 1200 {
		orig.op()
	}
	// Make sure every kind of live state is there: a resting order, one with
	// a cancel on its way, and an order still travelling to the engine.
	orig.book("BTC")
	low := (orig.mids["BTC"] * 9 / 10).FloorTo(fx("0.1"))
	for _, id := range []string{"deep1", "deep2"} {
		if _, err := orig.h.ex.SubmitOrder(orig.h.step(time.Millisecond), arena.OrderRequest{AccountID: "b", OrderID: id, Symbol: "BTC",
			Side: arena.Long, Type: arena.OrderLimit, Quantity: fx("0.01"), Price: low, Leverage: fx("2")}); err != nil {
			t.Fatal(err)
		}
	}
	orig.h.ex.Advance(orig.h.step(50 * time.Millisecond))
	orig.h.ex.CancelOrder(orig.h.step(time.Millisecond), "b", "deep2")
	orig.h.ex.SubmitOrder(orig.h.step(time.Millisecond), arena.OrderRequest{AccountID: "c", OrderID: "late", Symbol: "BTC",
		Side: arena.Short, Type: arena.OrderMarket, Quantity: fx("0.01"), Leverage: fx("2")})
	st := orig.h.ex.Export()
	var positions, resting, pending, cancelling int
	for _, a := range st.Accounts {
		positions += len(a.Positions)
		for _, o := range a.Orders {
			switch {
			case !o.CancelAt.IsZero():
				cancelling++
			case o.State == arena.OrderPending:
				pending++
			default:
				resting++
			}
		}
	}
	t.Logf("restoring %d positions, %d resting orders, %d pending, %d being cancelled", positions, resting, pending, cancelling)
	if positions == 0 || resting == 0 || pending == 0 || cancelling == 0 {
		t.Fatal("the script no longer leaves every kind of state to restore")
	}
	raw, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	var loaded arena.ExchangeState
	if err := json.Unmarshal(raw, &loaded); err != nil {
		t.Fatal(err)
	}

	rec := NewRecorder()
	cfg := orig.h.ex.cfg
	cfg.Sink = rec
	restored, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := restored.Restore(loaded); err != nil {
		t.Fatalf("restore: %v", err)
	}
	if len(rec.Batches()) != 0 {
		t.Fatal("restoring emitted records")
	}
	copyScript := &scripted{h: &harness{t: t, ex: restored, rec: rec, now: orig.h.now}, rng: nil, mids: map[arena.Symbol]arena.Fixed{}}
	for k, v := range orig.mids {
		copyScript.mids[k] = v
	}

	// Same marks on both: the same snapshots.
	orig.h.rec.Drain()
	for _, sym := range []arena.Symbol{"BTC", "ETH"} {
		u := arena.BookUpdate{Symbol: sym, Snapshot: true}
		mid := orig.mids[sym]
		tick := orig.h.ex.bySymbol[sym].spec.TickSize
		for i := range 5 {
			u.Bids = append(u.Bids, arena.Level{Price: mid - tick.MulInt(int64(i+1)), Size: orig.h.ex.bySymbol[sym].spec.LotSize.MulInt(100_000)})
			u.Asks = append(u.Asks, arena.Level{Price: mid + tick.MulInt(int64(i+1)), Size: orig.h.ex.bySymbol[sym].spec.LotSize.MulInt(100_000)})
		}
		now := orig.h.step(time.Millisecond)
		copyScript.h.now = now
		if err := orig.h.ex.ApplyBook(now, u); err != nil {
			t.Fatal(err)
		}
		if err := restored.ApplyBook(now, u); err != nil {
			t.Fatal(err)
		}
	}
	if diff := cmp.Diff(orig.h.ex.Snapshots(), restored.Snapshots()); diff != "" {
		t.Fatalf("snapshots differ after restore (-orig +restored):\n%s", diff)
	}

	// The same future on both: every record identical, sequences included.
	future := func(s *scripted, seed uint64) []arena.Batch {
		s.rng = newScripted(t, seed, nil).rng
		for range 600 {
			s.op()
		}
		return s.h.rec.Batches()
	}
	copyScript.n = orig.n
	a, b := future(orig, 77), future(copyScript, 77)
	compareBatches(t, a, b)
	// The restored exchange's records check out from the restored ledger.
	for _, as := range loaded.Accounts {
		got, err := arena.CheckLedgerFrom(as.AccountID, arena.OpeningLedger(as), b)
		if err != nil {
			t.Fatalf("ledger of %s after restore: %v", as.AccountID, err)
		}
		s, _ := restored.Snapshot(as.AccountID)
		if got.Cash != s.Cash || got.Fees != s.Fees || got.Funding != s.Funding {
			t.Fatalf("ledger of %s after restore: recomputed %+v, account %+v", as.AccountID, got, s)
		}
	}
	if diff := cmp.Diff(orig.h.ex.Snapshots(), restored.Snapshots()); diff != "" {
		t.Fatalf("snapshots diverged (-orig +restored):\n%s", diff)
	}
}

func TestRestoreValidates(t *testing.T) {
	ex, err := New(Config{Markets: testMarkets(), StartingCapital: arena.FixedInt(10_000), IdempotencyWindow: 8})
	if err != nil {
		t.Fatal(err)
	}
	pos := arena.Position{ID: "p", Symbol: "BTC", Side: arena.Long, Quantity: fx("1"), EntryPrice: fx("100"), Leverage: fx("5")}
	bad := map[string]arena.AccountState{
		"no capital":     {AccountID: "a"},
		"unknown symbol": {AccountID: "a", Capital: fx("1"), Positions: []arena.Position{{ID: "p", Symbol: "XRP", Side: arena.Long, Quantity: fx("1"), EntryPrice: fx("1"), Margin: fx("1")}}},
		"two positions":  {AccountID: "a", Capital: fx("1"), Positions: []arena.Position{pos, pos}},
		"no margin":      {AccountID: "a", Capital: fx("1"), Positions: []arena.Position{{ID: "p", Symbol: "BTC", Side: arena.Long, Quantity: fx("1"), EntryPrice: fx("100")}}},
		"final order":    {AccountID: "a", Capital: fx("1"), Orders: []arena.Order{{OrderRequest: arena.OrderRequest{AccountID: "a", OrderID: "o", Symbol: "BTC", Quantity: fx("1")}, State: arena.OrderFilled}}},
	}
	for name, a := range bad {
		if err := ex.Restore(arena.ExchangeState{Accounts: []arena.AccountState{a}}); arena.ErrorCode(err) != arena.CodeInvalid {
			t.Errorf("%s: %v", name, err)
		}
	}
	good := arena.AccountState{AccountID: "a", Capital: fx("10000"), Cash: fx("9000"), Positions: []arena.Position{pos}}
	if err := ex.Restore(arena.ExchangeState{Time: t0, Accounts: []arena.AccountState{good}}); err != nil {
		t.Fatal(err)
	}
	s, _ := ex.Snapshot("a")
	if s.UsedMargin != fx("20") || s.Cash != fx("9000") {
		t.Fatalf("restored %+v", s)
	}
	if err := ex.Restore(arena.ExchangeState{Accounts: []arena.AccountState{good}}); arena.ErrorCode(err) != arena.CodeConflict {
		t.Fatalf("second restore: %v", err)
	}
}
