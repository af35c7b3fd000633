package exchange

import (
	"testing"

	"github.com/autonome-go/autonome/shared/arena"
)

func prices(s *bookSide) []string {
	var out []string
	for i := len(s.levels) - 1; i >= 0; i-- {
		out = append(out, s.levels[i].price.String()+":"+s.levels[i].size.String())
	}
	return out
}

func TestBookSide(t *testing.T) {
	tests := []struct {
		name   string
		bid    bool
		snap   string
		deltas string
		want   []string // best first
	}{
		{"bid snapshot", true, "100:1, 99:2, 98:3", "", []string{"100:1", "99:2", "98:3"}},
		{"ask snapshot", false, "101:1, 102:2", "", []string{"101:1", "102:2"}},
		{"snapshot drops empty levels", true, "100:0, 99:2", "", []string{"99:2"}},
		{"new best bid", true, "100:1, 99:2", "100.5:4", []string{"100.5:4", "100:1", "99:2"}},
		{"new best ask", false, "101:1, 102:2", "100.5:4", []string{"100.5:4", "101:1", "102:2"}},
		{"insert in the middle", true, "100:1, 98:2", "99:5", []string{"100:1", "99:5", "98:2"}},
		{"resize", false, "101:1, 102:2", "102:7", []string{"101:1", "102:7"}},
		{"delete top", true, "100:1, 99:2", "100:0", []string{"99:2"}},
		{"delete absent is a no-op", true, "100:1", "97:0", []string{"100:1"}},
		{"worst level appended", false, "101:1", "150:1", []string{"101:1", "150:1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBook(4)
			s := &b.asks
			if tt.bid {
				s = &b.bids
			}
			s.replace(levels(tt.snap))
			for _, l := range levels(tt.deltas) {
				s.set(l.Price, l.Size)
			}
			got := prices(s)
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("got %v, want %v", got, tt.want)
				}
			}
		})
	}
}

func TestConsumptionResetOnlyWhereTouched(t *testing.T) {
	b := newBook(4)
	b.asks.replace(levels("101:1, 102:2"))
	b.asks.levels[1].used = fx("1")   // 101 fully taken
	b.asks.levels[0].used = fx("0.5") // 102 half taken
	if p, _ := b.asks.bestAvailable(); p != fx("102") {
		t.Fatalf("best available %s", p)
	}
	b.asks.set(fx("102"), fx("2")) // the venue touched 102 (same size)
	if b.asks.levels[0].used != 0 || b.asks.levels[1].used != fx("1") {
		t.Fatalf("after delta: %+v", b.asks.levels)
	}
	b.asks.replace(levels("101:1, 102:2"))
	for _, l := range b.asks.levels {
		if l.used != 0 {
			t.Fatal("a snapshot must reset consumption")
		}
	}
	if m, ok := b.mid(); ok {
		t.Fatalf("mid without bids: %s", m)
	}
	b.bids.replace(levels("99:1"))
	if m, _ := b.mid(); m != fx("100") {
		t.Fatalf("mid %s", m)
	}
}

func TestSnapshotValidation(t *testing.T) {
	if err := validateLevels(levels("100:1, 100:2"), true, true); err == nil {
		t.Error("duplicate snapshot prices accepted")
	}
	if err := validateLevels(levels("100:1, 100:2"), true, false); err != nil {
		t.Errorf("a delta may list levels in any order: %v", err)
	}
	if err := validateLevels([]arena.Level{{Price: maxFeedPrice + 1, Size: 1}}, true, false); err == nil {
		t.Error("absurd price accepted")
	}
}
