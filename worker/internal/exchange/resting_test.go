package exchange

import (
	"testing"

	"github.com/autonome-go/autonome/shared/arena"
)

func TestRestingFillsWhenTheBookCrosses(t *testing.T) {
	h := newHarness(t, nil)
	h.snap("BTC", "99:5", "101:5")
	o := h.mustSubmit(lmt("bid", arena.Long, "1", "100", arena.GTC))
	if o.State != arena.OrderResting || len(h.fills("")) != 0 {
		t.Fatalf("should rest without fills: %+v", o)
	}
	h.delta("BTC", "", "100.5:2") // improves the ask, still above our bid
	if len(h.fills("")) != 0 {
		t.Fatal("filled above its price")
	}
	h.delta("BTC", "", "100:0.4") // an ask at our price: we would have traded
	h.delta("BTC", "", "99.5:3")  // and through it
	want := []fillWant{{"bid", "100", "0.4", arena.Maker}, {"bid", "100", "0.6", arena.Maker}}
	got := h.fills("bid")
	if len(got) != len(want) {
		t.Fatalf("fills %+v", got)
	}
	for i, w := range want {
		if got[i].Price != fx(w.price) || got[i].Quantity != fx(w.qty) || got[i].Liquidity != w.liq || got[i].Fee != fx(w.price).Mul(fx(w.qty)).Mul(fx("0.0001")) {
			t.Errorf("fill %d %+v", i, got[i])
		}
	}
	if o, _ := h.ex.Order("a", "bid"); o.State != arena.OrderFilled || o.AvgPrice != fx("100") {
		t.Fatalf("order %+v", o)
	}
	if s := h.snapshot("a"); s.OrderMargin != 0 {
		t.Fatalf("reserve not released: %s", s.OrderMargin)
	}
	// The ask size our bid took is consumed for takers too.
	h.mustSubmit(arena.OrderRequest{AccountID: "a", OrderID: "m", Side: arena.Long, Type: arena.OrderMarket, Quantity: fx("3"), Leverage: fx("10")})
	if f := h.fills("m"); f[0].Price != fx("99.5") || f[0].Quantity != fx("2.4") {
		t.Fatalf("taker after maker: %+v", f)
	}
	h.checkLedger("a")
}

func TestRestingQueueFromTrades(t *testing.T) {
	h := newHarness(t, nil)
	h.snap("BTC", "100:3, 99:5", "101:5")
	h.mustSubmit(lmt("bid", arena.Long, "1", "100", arena.GTC))
	if o, _ := h.ex.Order("a", "bid"); o.QueueAhead != fx("3") {
		t.Fatalf("queue ahead %s, want the displayed 3", o.QueueAhead)
	}
	h.trade("BTC", "100", "2", true) // a buyer lifted an ask: does not touch bids
	h.trade("BTC", "100", "2", false)
	if o, _ := h.ex.Order("a", "bid"); o.QueueAhead != fx("1") || o.Filled != 0 {
		t.Fatalf("after 2 traded ahead: %+v", o)
	}
	h.trade("BTC", "100", "1.25", false) // 1 clears the queue, 0.25 fills us
	if o, _ := h.ex.Order("a", "bid"); o.QueueAhead != 0 || o.Filled != fx("0.25") || o.State != arena.OrderResting {
		t.Fatalf("at the front: %+v", o)
	}
	h.trade("BTC", "99.9", "0.5", false) // traded through our price
	if o, _ := h.ex.Order("a", "bid"); o.Filled != fx("0.75") {
		t.Fatalf("through: %+v", o)
	}
	h.trade("BTC", "100", "5", false)
	o, _ := h.ex.Order("a", "bid")
	if o.State != arena.OrderFilled || o.Filled != fx("1") {
		t.Fatalf("final: %+v", o)
	}
	for _, f := range h.fills("bid") {
		if f.Price != fx("100") || f.Liquidity != arena.Maker {
			t.Errorf("fill %+v", f)
		}
	}
	h.checkLedger("a")
}

func TestRestingQueueCappedByShrinkingLevel(t *testing.T) {
	h := newHarness(t, nil)
	h.snap("BTC", "100:3", "101:5")
	h.mustSubmit(lmt("bid", arena.Long, "1", "100", arena.GTC))
	h.delta("BTC", "100:0.5", "") // cancellations ahead: at most 0.5 can be ahead now
	if o, _ := h.ex.Order("a", "bid"); o.QueueAhead != fx("0.5") {
		t.Fatalf("queue %s", o.QueueAhead)
	}
	h.delta("BTC", "100:4", "") // growth behind us does not push us back
	if o, _ := h.ex.Order("a", "bid"); o.QueueAhead != fx("0.5") {
		t.Fatalf("queue %s", o.QueueAhead)
	}
	h.trade("BTC", "100", "1", false)
	if o, _ := h.ex.Order("a", "bid"); o.Filled != fx("0.5") {
		t.Fatalf("filled %s", o.Filled)
	}
}

func TestTradeVolumeIsSharedInPriority(t *testing.T) {
	h := newHarness(t, nil, "a", "b")
	h.snap("BTC", "99:5", "101:5")
	h.mustSubmit(arena.OrderRequest{AccountID: "a", OrderID: "a1", Side: arena.Long, Type: arena.OrderLimit, Quantity: fx("1"), Price: fx("100"), Leverage: fx("10")})
	h.mustSubmit(arena.OrderRequest{AccountID: "b", OrderID: "b1", Side: arena.Long, Type: arena.OrderLimit, Quantity: fx("1"), Price: fx("100.5"), Leverage: fx("10")})
	h.trade("BTC", "99", "1.5", false) // through both: 1.5 shared, best price first
	b, _ := h.ex.Order("b", "b1")
	a, _ := h.ex.Order("a", "a1")
	if b.Filled != fx("1") || a.Filled != fx("0.5") {
		t.Fatalf("b %s a %s", b.Filled, a.Filled)
	}
}

func TestRestingSellAndCancel(t *testing.T) {
	h := newHarness(t, nil)
	h.snap("BTC", "99:5", "101:5")
	h.mustSubmit(lmt("ask", arena.Short, "2", "102", arena.GTC))
	h.trade("BTC", "102.5", "1", true) // a buyer lifted through our ask
	o, err := h.ex.CancelOrder(h.step(1), "a", "ask")
	if err != nil || o.State != arena.OrderCancelled || o.Filled != fx("1") {
		t.Fatalf("cancel: %+v %v", o, err)
	}
	if _, err := h.ex.CancelOrder(h.step(1), "a", "ask"); arena.ErrorCode(err) != arena.CodeConflict {
		t.Fatalf("second cancel: %v", err)
	}
	if _, err := h.ex.CancelOrder(h.step(1), "a", "nope"); arena.ErrorCode(err) != arena.CodeNotFound {
		t.Fatalf("unknown cancel: %v", err)
	}
	p, _ := h.position("a", "BTC")
	if p.Side != arena.Short || p.Quantity != fx("1") || p.EntryPrice != fx("102") {
		t.Fatalf("position %+v", p)
	}
	h.trade("BTC", "103", "5", true)
	if len(h.fills("ask")) != 1 {
		t.Fatal("a cancelled order filled")
	}
	h.checkLedger("a")
}

func TestReduceOnlyRestingOrder(t *testing.T) {
	h := newHarness(t, nil)
	h.snap("BTC", "99:5", "101:5")
	h.mustSubmit(mkt("open", arena.Long, "1"))
	tp := lmt("tp", arena.Short, "5", "110", arena.GTC)
	tp.ReduceOnly = true
	h.mustSubmit(tp)
	if s := h.snapshot("a"); s.OrderMargin != 0 {
		t.Fatalf("a reduce-only order reserved %s", s.OrderMargin)
	}
	h.trade("BTC", "111", "9", true)
	if _, ok := h.position("a", "BTC"); ok {
		t.Fatal("position should be closed")
	}
	o, _ := h.ex.Order("a", "tp")
	if o.Filled != fx("1") {
		t.Fatalf("reduce-only filled %s, want the position's 1", o.Filled)
	}
	h.trade("BTC", "111", "9", true) // nothing left to reduce: cancelled
	if o, _ := h.ex.Order("a", "tp"); o.State != arena.OrderCancelled {
		t.Fatalf("reduce-only order %+v", o)
	}
	h.checkLedger("a")
}
