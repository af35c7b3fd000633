package exchange

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/autonome-go/autonome/shared/arena"
)

func priced(price, qty string) walkFill {
	p, q := fx(price), fx(qty)
	return walkFill{price: p, qty: q, notional: p.Mul(q)}
}

func TestPositionArithmetic(t *testing.T) {
	tests := []struct {
		name  string
		start arena.Position
		open  []walkFill // opening fills at lev
		close []walkFill
		lev   string
		want  arena.Position
	}{
		{
			name:  "open averages the fills",
			start: arena.Position{Side: arena.Long},
			open:  []walkFill{priced("100", "1"), priced("103", "2")},
			lev:   "4",
			want:  arena.Position{Side: arena.Long, Quantity: fx("3"), EntryPrice: fx("102"), Margin: fx("76.5")},
		},
		{
			name:  "increase re-averages with one rounding",
			start: arena.Position{Side: arena.Short, Quantity: fx("1"), EntryPrice: fx("100"), Margin: fx("10")},
			open:  []walkFill{priced("101", "2")},
			lev:   "3",
			want:  arena.Position{Side: arena.Short, Quantity: fx("3"), EntryPrice: fx("100.66666667"), Margin: fx("77.33333333")},
		},
		{
			name:  "reduce releases margin pro rata and averages the exit",
			start: arena.Position{Side: arena.Long, Quantity: fx("3"), EntryPrice: fx("100"), Margin: fx("30")},
			close: []walkFill{priced("110", "1"), priced("111", "1")},
			want: arena.Position{Side: arena.Long, Quantity: fx("1"), EntryPrice: fx("100"), Margin: fx("10"),
				ClosedQuantity: fx("2"), ExitPrice: fx("110.5")},
		},
		{
			name:  "close releases everything",
			start: arena.Position{Side: arena.Short, Quantity: fx("0.3"), EntryPrice: fx("100"), Margin: fx("7.77777777")},
			close: []walkFill{priced("90", "0.3")},
			want:  arena.Position{Side: arena.Short, EntryPrice: fx("100"), ClosedQuantity: fx("0.3"), ExitPrice: fx("90")},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.start
			var s sums
			for i := range tt.close {
				s.add(&tt.close[i])
			}
			if s.qty > 0 {
				reduceBy(&p, &s)
			}
			s = sums{}
			for i := range tt.open {
				s.add(&tt.open[i])
			}
			if s.qty > 0 {
				increaseBy(&p, &s, fx(tt.lev))
			}
			if p != tt.want {
				t.Fatalf("got  %+v\nwant %+v", p, tt.want)
			}
		})
	}
}

func TestRealizedPnLSign(t *testing.T) {
	h := newHarness(t, nil)
	tests := []struct {
		side        arena.Side
		entry, exit string
		want        string
	}{
		{arena.Long, "100", "110", "10"},
		{arena.Long, "100", "95", "-5"},
		{arena.Short, "100", "90", "10"},
		{arena.Short, "100", "104", "-4"},
	}
	m := h.ex.bySymbol["BTC"]
	for _, tt := range tests {
		p := arena.Position{Side: tt.side, Quantity: fx("1"), EntryPrice: fx(tt.entry)}
		o := arena.Order{OrderRequest: arena.OrderRequest{Side: tt.side.Opposite()}}
		pr := h.ex.startFills(m, &o, &p, arena.Taker)
		h.ex.addFill(&pr, 0, fx(tt.exit), fx("1"))
		if got := h.ex.walked[0].realized; got != fx(tt.want) {
			t.Errorf("%s %s→%s: realized %s, want %s", tt.side, tt.entry, tt.exit, got, tt.want)
		}
	}
}

func TestFlipSplitsTheCrossingFill(t *testing.T) {
	h := newHarness(t, nil)
	m := h.ex.bySymbol["BTC"]
	p := arena.Position{Side: arena.Long, Quantity: fx("1.5"), EntryPrice: fx("100")}
	o := arena.Order{OrderRequest: arena.OrderRequest{Side: arena.Short}}
	pr := h.ex.startFills(m, &o, &p, arena.Taker)
	h.ex.addFill(&pr, 3, fx("99"), fx("1"))
	h.ex.addFill(&pr, 2, fx("98"), fx("2"))
	h.ex.addFill(&pr, 1, fx("97"), fx("1"))
	want := []struct {
		idx      int
		qty      string
		closing  bool
		realized string
	}{{3, "1", true, "-1"}, {2, "0.5", true, "-1"}, {2, "1.5", false, "0"}, {1, "1", false, "0"}}
	if len(h.ex.walked) != len(want) {
		t.Fatalf("fills %+v", h.ex.walked)
	}
	for i, w := range want {
		f := h.ex.walked[i]
		if f.idx != w.idx || f.qty != fx(w.qty) || f.closing != w.closing || f.realized != fx(w.realized) {
			t.Errorf("fill %d %+v, want %+v", i, f, w)
		}
	}
	if h.ex.closing.qty != fx("1.5") || h.ex.opening.qty != fx("2.5") || h.ex.closing.realized != fx("-2") {
		t.Errorf("sums %+v / %+v", h.ex.closing, h.ex.opening)
	}
}

func TestMulMatchesArena(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	edge := []arena.Fixed{0, 1, -1, arena.FixedScale/2 - 1, arena.FixedScale / 2, arena.FixedScale, math.MaxInt64 / 1_000_000_000, -math.MaxInt64 / 1_000_000_000}
	check := func(a, b arena.Fixed) {
		want, err := a.MulChecked(b)
		if err != nil {
			return
		}
		if got := mul(a, b); got != want {
			t.Fatalf("mul(%s, %s) = %s, want %s", a, b, got, want)
		}
	}
	for _, a := range edge {
		for _, b := range edge {
			check(a, b)
		}
	}
	for range 200_000 {
		a := arena.Fixed(r.Int64N(1<<(1+r.IntN(62))) - 1<<(r.IntN(40)))
		b := arena.Fixed(r.Int64N(1<<(1+r.IntN(62))) - 1<<(r.IntN(40)))
		check(a, b)
	}
}

func TestConservativeRounding(t *testing.T) {
	tests := []struct{ a, b, ceil, floor string }{
		{"1", "1", "1", "1"},
		{"0.00000001", "0.5", "0.00000001", "0.00000002"},
		{"3", "0.33333333", "0.99999999", "9.00000009"},
		{"0.00000003", "0.33333333", "0.00000001", "0.00000009"},
		{"2.5", "4", "10", "0.625"},
	}
	for _, tt := range tests {
		if got := mulCeil(fx(tt.a), fx(tt.b)); got != fx(tt.ceil) {
			t.Errorf("mulCeil(%s, %s) = %s, want %s", tt.a, tt.b, got, tt.ceil)
		}
		if got := divFloor(fx(tt.a), fx(tt.b)); got != fx(tt.floor) {
			t.Errorf("divFloor(%s, %s) = %s, want %s", tt.a, tt.b, got, tt.floor)
		}
	}
	if divFloor(arena.MaxFixed, 1) != arena.MaxFixed {
		t.Error("divFloor does not saturate")
	}
}
