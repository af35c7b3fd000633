package season

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/autonome-go/autonome/shared/arena"
)

// An idle account's exchange skips to each book's last snapshot: it must
// end exactly where applying every message leaves it, down to the depth a
// market order walks.
func TestIdleSkipEqualsFullStream(t *testing.T) {
	tp, err := loadTape(shortTape(t, 3, 32*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultExchange(tp.Header.Markets)
	spec := Entrant{ID: "a/Apex", Entry: arena.RosterEntry{Name: "a", Variant: arena.Apex}}
	skip, err := newEntrant(spec, cfg, tp.Messages)
	if err != nil {
		t.Fatal(err)
	}
	full, _ := newEntrant(spec, cfg, tp.Messages)
	start := tp.Messages[0].Time()
	for _, at := range []time.Duration{7 * time.Minute, 13*time.Minute + 300*time.Millisecond, 29 * time.Minute} {
		now := start.Add(at)
		skip.advance(now)
		for ; full.cursor < len(full.msgs) && !full.msgs[full.cursor].Time().After(now); full.cursor++ {
			full.apply(&full.msgs[full.cursor])
		}
		full.ex.Advance(now)
		if diff := cmp.Diff(exported(full), exported(skip)); diff != "" {
			t.Fatalf("at +%v the exchanges differ (-full +skip):\n%s", at, diff)
		}
		if diff := cmp.Diff(full.ex.Prices(), skip.ex.Prices()); diff != "" {
			t.Fatalf("at +%v prices differ:\n%s", at, diff)
		}
		for _, m := range cfg.Markets { // a large order walks deep into the book
			qty, _ := arena.ParseFixed(map[arena.Symbol]string{"BTC": "0.3", "ETH": "8", "SOL": "100"}[m.Symbol])
			for _, e := range []*entrant{full, skip} {
				e.clock.set(now)
				o, err := e.PlaceOrder(t.Context(), arena.OrderRequest{AccountID: spec.ID, OrderID: string(m.Symbol) + at.String(),
					Symbol: m.Symbol, Side: arena.Long, Type: arena.OrderMarket, Quantity: qty, Leverage: arena.FixedInt(10)})
				if err != nil || o.Filled != qty {
					t.Fatalf("%s order: %v (%+v)", m.Symbol, err, o)
				}
				e.ex.ClosePosition(o.DueAt, spec.ID, "close-"+o.OrderID, m.Symbol)
			}
		}
		full.advance(now.Add(time.Second)) // both flat again: the next span skips in both
		skip.advance(now.Add(time.Second))
		if full.ledger.Sum(nil) == nil || string(full.ledger.Sum(nil)) != string(skip.ledger.Sum(nil)) {
			t.Fatalf("after trading at +%v the record hashes differ", at)
		}
		if diff := cmp.Diff(exported(full), exported(skip)); diff != "" {
			t.Fatalf("after trading at +%v the exchanges differ (-full +skip):\n%s", at, diff)
		}
	}
}

// exported is the exchange's state as the result hash sees it.
func exported(e *entrant) arena.ExchangeState {
	st := e.ex.Export()
	st.BatchSeq = 0
	return st
}
