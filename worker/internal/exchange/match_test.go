package exchange

import (
	"strings"
	"testing"

	"github.com/autonome-go/autonome/shared/arena"
)

type fillWant struct {
	order, price, qty string
	liq               arena.Liquidity
}

func TestTakerMatching(t *testing.T) {
	type step struct {
		acct   string
		req    arena.OrderRequest
		state  arena.OrderState
		reason string // substring of the order's reason
		delta  [2]string
	}
	tests := []struct {
		name       string
		bids, asks string
		steps      []step
		want       []fillWant
	}{
		{
			name: "market buy walks the ask levels",
			bids: "99:5", asks: "101:1, 102:2, 103:5",
			steps: []step{{req: mkt("o1", arena.Long, "2.5"), state: arena.OrderFilled}},
			want:  []fillWant{{"o1", "101", "1", arena.Taker}, {"o1", "102", "1.5", arena.Taker}},
		},
		{
			name: "market sell walks the bid levels",
			bids: "99:1, 98.5:1", asks: "101:5",
			steps: []step{{req: mkt("o1", arena.Short, "1.5"), state: arena.OrderFilled}},
			want:  []fillWant{{"o1", "99", "1", arena.Taker}, {"o1", "98.5", "0.5", arena.Taker}},
		},
		{
			name: "depth runs out: partial fill, remainder cancelled and reported",
			bids: "99:5", asks: "101:1, 102:1",
			steps: []step{{req: mkt("o1", arena.Long, "3"), state: arena.OrderCancelled, reason: "insufficient book depth"}},
			want:  []fillWant{{"o1", "101", "1", arena.Taker}, {"o1", "102", "1", arena.Taker}},
		},
		{
			name: "empty side: rejected",
			bids: "99:5", asks: "",
			steps: []step{{req: mkt("o1", arena.Long, "1"), state: arena.OrderRejected, reason: "no liquidity"}},
		},
		{
			name: "IOC limit never pays more than its price",
			bids: "99:5", asks: "101:1, 102:1, 103:1",
			steps: []step{{req: lmt("o1", arena.Long, "3", "102", arena.IOC), state: arena.OrderCancelled, reason: "immediate-or-cancel"}},
			want:  []fillWant{{"o1", "101", "1", arena.Taker}, {"o1", "102", "1", arena.Taker}},
		},
		{
			name: "GTC limit takes up to its price and rests the rest",
			bids: "99:5", asks: "101:1, 102:1, 103:1",
			steps: []step{{req: lmt("o1", arena.Long, "3", "102", arena.GTC), state: arena.OrderResting}},
			want:  []fillWant{{"o1", "101", "1", arena.Taker}, {"o1", "102", "1", arena.Taker}},
		},
		{
			name: "post-only that would cross is rejected",
			bids: "99:5", asks: "101:1",
			steps: []step{{req: lmt("o1", arena.Long, "1", "101", arena.PostOnly), state: arena.OrderRejected, reason: "post-only"}},
		},
		{
			name: "post-only below the ask rests",
			bids: "99:5", asks: "101:1",
			steps: []step{{req: lmt("o1", arena.Long, "1", "100", arena.PostOnly), state: arena.OrderResting}},
		},
		{
			name: "liquidity taken by one account is not there for the next",
			bids: "99:5", asks: "101:1, 102:5",
			steps: []step{
				{acct: "a", req: mkt("o1", arena.Long, "1"), state: arena.OrderFilled},
				{acct: "b", req: mkt("o2", arena.Long, "1"), state: arena.OrderFilled},
			},
			want: []fillWant{{"o1", "101", "1", arena.Taker}, {"o2", "102", "1", arena.Taker}},
		},
		{
			name: "a venue update of the level makes it available again",
			bids: "99:5", asks: "101:1, 102:5",
			steps: []step{
				{acct: "a", req: mkt("o1", arena.Long, "1"), state: arena.OrderFilled, delta: [2]string{"", "101:1"}},
				{acct: "b", req: mkt("o2", arena.Long, "1"), state: arena.OrderFilled},
			},
			want: []fillWant{{"o1", "101", "1", arena.Taker}, {"o2", "101", "1", arena.Taker}},
		},
		{
			name: "an update of another level does not free the consumed one",
			bids: "99:5", asks: "101:1, 102:5",
			steps: []step{
				{acct: "a", req: mkt("o1", arena.Long, "1"), state: arena.OrderFilled, delta: [2]string{"", "102:4"}},
				{acct: "b", req: mkt("o2", arena.Long, "1"), state: arena.OrderFilled},
			},
			want: []fillWant{{"o1", "101", "1", arena.Taker}, {"o2", "102", "1", arena.Taker}},
		},
		{
			name: "partial consumption leaves the rest of the level",
			bids: "99:5", asks: "101:1, 102:5",
			steps: []step{
				{acct: "a", req: mkt("o1", arena.Long, "0.4"), state: arena.OrderFilled},
				{acct: "b", req: mkt("o2", arena.Long, "1"), state: arena.OrderFilled},
			},
			want: []fillWant{{"o1", "101", "0.4", arena.Taker}, {"o2", "101", "0.6", arena.Taker}, {"o2", "102", "0.4", arena.Taker}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, nil, "a", "b")
			h.snap("BTC", tt.bids, tt.asks)
			for _, s := range tt.steps {
				s.req.AccountID = s.acct
				o, _ := h.submit(s.req)
				if o.State != s.state || !strings.Contains(o.Reason, s.reason) {
					t.Fatalf("%s: state %s (%q), want %s (%q)", s.req.OrderID, o.State, o.Reason, s.state, s.reason)
				}
				if s.delta != [2]string{} {
					h.delta("BTC", s.delta[0], s.delta[1])
				}
			}
			got := h.fills("")
			if len(got) != len(tt.want) {
				t.Fatalf("got %d fills %+v, want %d", len(got), got, len(tt.want))
			}
			for i, w := range tt.want {
				g := got[i]
				if g.OrderID != w.order || g.Price != fx(w.price) || g.Quantity != fx(w.qty) || g.Liquidity != w.liq {
					t.Errorf("fill %d = %s %s@%s %s, want %s %s@%s %s", i, g.OrderID, g.Quantity, g.Price, g.Liquidity, w.order, w.qty, w.price, w.liq)
				}
			}
			h.checkLedger("a")
			h.checkLedger("b")
			for _, s := range tt.steps {
				var last arena.Order
				for _, b := range h.rec.Batches() {
					for _, o := range b.Orders {
						if o.OrderID == s.req.OrderID {
							last = o
						}
					}
				}
				acct := s.acct
				if acct == "" {
					acct = "a"
				}
				if cur, _ := h.ex.Order(acct, s.req.OrderID); last != cur {
					t.Errorf("%s: recorded %+v, exchange has %+v", s.req.OrderID, last, cur)
				}
			}
		})
	}
}

func TestOrderReportsFillsAndFees(t *testing.T) {
	h := newHarness(t, nil)
	h.snap("BTC", "99:5", "101:1, 102:2")
	o := h.mustSubmit(mkt("o1", arena.Long, "2"))
	// 1 at 101 and 1 at 102: average 101.5; taker fee 5 bps of 203.
	if o.Filled != fx("2") || o.AvgPrice != fx("101.5") || o.Fees != fx("0.1015") {
		t.Fatalf("order %+v", o)
	}
	s := h.snapshot("a")
	if s.Cash != fx("9999.8985") || s.Fees != fx("0.1015") {
		t.Fatalf("cash %s fees %s", s.Cash, s.Fees)
	}
	// Margin at 10x: 203 / 10; mark = mid 100 → unrealized (100 − 101.5) × 2.
	p, _ := h.position("a", "BTC")
	if p.Margin != fx("20.3") || p.EntryPrice != fx("101.5") || p.UnrealizedPnL != fx("-3") || p.Leverage != fx("10") {
		t.Fatalf("position %+v", p)
	}
	if s.Equity != fx("9996.8985") || s.Available != fx("9976.5985") {
		t.Fatalf("equity %s available %s", s.Equity, s.Available)
	}
}

func TestFlipThroughZeroRealizesAndOpensNewPosition(t *testing.T) {
	h := newHarness(t, nil)
	h.snap("BTC", "99:5", "101:5")
	h.mustSubmit(mkt("open", arena.Long, "1"))
	h.snap("BTC", "110:5", "111:5")
	o := h.mustSubmit(mkt("flip", arena.Short, "3"))
	if o.State != arena.OrderFilled || o.Filled != fx("3") {
		t.Fatalf("flip order %+v", o)
	}
	fills := h.fills("flip")
	if len(fills) != 2 {
		t.Fatalf("flip should be recorded as a closing and an opening fill, got %+v", fills)
	}
	closing, opening := fills[0], fills[1]
	if posOf(closing.PositionID) != "a:open" || closing.Quantity != fx("1") || closing.RealizedPnL != fx("9") || closing.Fee != fx("0.055") {
		t.Errorf("closing fill %+v", closing)
	}
	if posOf(opening.PositionID) != "a:flip" || opening.Quantity != fx("2") || opening.RealizedPnL != 0 || opening.Fee != fx("0.11") {
		t.Errorf("opening fill %+v", opening)
	}
	old := h.positions("open")
	last := old[len(old)-1]
	if last.Status != arena.PositionClosed || last.ExitPrice != fx("110") || last.RealizedPnL != fx("9") ||
		last.ClosedQuantity != fx("1") || last.Quantity != 0 || last.Margin != 0 || last.CloseTrigger != arena.TriggerNone {
		t.Errorf("closed position %+v", last)
	}
	p, _ := h.position("a", "BTC")
	if posOf(p.ID) != "a:flip" || p.Side != arena.Short || p.Quantity != fx("2") || p.EntryPrice != fx("110") || p.Margin != fx("22") {
		t.Errorf("new position %+v", p)
	}
	// 10000 − 0.0505 (open fee) + 9 − 0.055 − 0.11
	if s := h.snapshot("a"); s.Cash != fx("10008.7845") || s.RealizedPnL != fx("9") {
		t.Errorf("cash %s realized %s", s.Cash, s.RealizedPnL)
	}
	h.checkLedger("a")
}

func TestReduceReleasesMarginProRataAndAveragesEntry(t *testing.T) {
	h := newHarness(t, nil)
	h.snap("BTC", "99:5", "100:5")
	h.mustSubmit(mkt("o1", arena.Long, "1"))
	h.snap("BTC", "109:5", "110:5")
	h.mustSubmit(mkt("o2", arena.Long, "3")) // entry (100 + 330) / 4 = 107.5
	p, _ := h.position("a", "BTC")
	if p.EntryPrice != fx("107.5") || p.Margin != fx("43") {
		t.Fatalf("after increase %+v", p)
	}
	h.snap("BTC", "120:5", "121:5")
	h.mustSubmit(mkt("o3", arena.Short, "1"))
	p, _ = h.position("a", "BTC")
	if p.Quantity != fx("3") || p.Margin != fx("32.25") || p.RealizedPnL != fx("12.5") || p.EntryPrice != fx("107.5") {
		t.Fatalf("after reduce %+v", p)
	}
	h.checkLedger("a")
}

func TestMarginCheck(t *testing.T) {
	h := newHarness(t, nil)
	h.snap("BTC", "99:1000", "100:1000")
	// 10 000 capital at 10x buys at most about 1000 × 100 of notional.
	_, err := h.submit(mkt("big", arena.Long, "1000"))
	if arena.ErrorCode(err) != arena.CodeRejected || !strings.Contains(err.Error(), "insufficient margin") {
		t.Fatalf("oversized order: %v", err)
	}
	if s := h.snapshot("a"); s.Cash != arena.FixedInt(10_000) || len(s.Positions) != 0 {
		t.Fatalf("a rejected order changed the account: %+v", s)
	}
	h.mustSubmit(mkt("fits", arena.Long, "940")) // 9400 margin + 47 fee + 470 spread
	// Reducing is always allowed, even with nothing available.
	if o := h.mustSubmit(mkt("reduce", arena.Short, "10")); o.State != arena.OrderFilled {
		t.Fatalf("reduce %+v", o)
	}
	// A resting opening order reserves margin, so the next one cannot use it.
	h2 := newHarness(t, nil)
	h2.snap("BTC", "99:1000", "100:1000")
	h2.mustSubmit(lmt("rest", arena.Long, "900", "90", arena.GTC))
	if s := h2.snapshot("a"); s.OrderMargin != fx("8100") || s.Available != fx("1900") {
		t.Fatalf("reserve: %+v", s)
	}
	if _, err := h2.submit(mkt("more", arena.Long, "200")); arena.ErrorCode(err) != arena.CodeRejected {
		t.Fatalf("order beyond the reserved margin accepted: %v", err)
	}
	h2.ex.CancelOrder(h2.step(1), "a", "rest")
	if s := h2.snapshot("a"); s.OrderMargin != 0 {
		t.Fatalf("cancel kept the reserve: %+v", s)
	}
	h.checkLedger("a")
}

func TestClosePosition(t *testing.T) {
	h := newHarness(t, nil)
	h.snap("BTC", "99:1, 98:1", "100:5")
	h.mustSubmit(mkt("o1", arena.Long, "3"))
	o, err := h.ex.ClosePosition(h.step(1), "a", "c1", "BTC")
	if err != nil || o.State != arena.OrderCancelled || o.Filled != fx("2") || !o.Partial() || o.Side != arena.Short {
		t.Fatalf("partial close: %+v %v", o, err)
	}
	p, _ := h.position("a", "BTC")
	if p.Quantity != fx("1") {
		t.Fatalf("left %s", p.Quantity)
	}
	h.snap("BTC", "97:5", "100:5")
	o, err = h.ex.ClosePosition(h.step(1), "a", "c2", "BTC")
	if err != nil || o.State != arena.OrderFilled || o.Filled != fx("1") {
		t.Fatalf("close: %+v %v", o, err)
	}
	if _, ok := h.position("a", "BTC"); ok {
		t.Fatal("position still open")
	}
	if _, err := h.ex.ClosePosition(h.step(1), "a", "c3", "BTC"); arena.ErrorCode(err) != arena.CodeRejected {
		t.Fatalf("closing nothing: %v", err)
	}
	h.checkLedger("a")
}
