package exchange

import (
	"testing"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

func TestFundingSign(t *testing.T) {
	tests := []struct {
		name string
		side arena.Side
		rate string
		want string // per 2 BTC at mark 100
	}{
		{"long pays a positive rate", arena.Long, "0.001", "-0.2"},
		{"short receives a positive rate", arena.Short, "0.001", "0.2"},
		{"long receives a negative rate", arena.Long, "-0.0005", "0.1"},
		{"short pays a negative rate", arena.Short, "-0.0005", "-0.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, nil)
			h.snap("BTC", "99.9:10", "100.1:10")
			h.mustSubmit(mkt("o", tt.side, "2"))
			if err := h.ex.ApplyStats(h.step(time.Millisecond), arena.MarketStats{Symbol: "BTC", MarkPrice: fx("100"), FundingRate: fx(tt.rate)}); err != nil {
				t.Fatal(err)
			}
			before := h.snapshot("a").Cash
			h.ex.Advance(t0.Add(50 * time.Minute)) // 12:00:10 → 12:50:10: no whole hour yet
			if got := h.snapshot("a").Cash; got != before {
				t.Fatalf("funding before the hour: %s → %s", before, got)
			}
			h.snap("BTC", "99.9:10", "100.1:10")              // keep the book fresh
			h.ex.Advance(t0.Add(2*time.Hour + 5*time.Minute)) // crosses 13:00 and 14:00
			var pays []arena.FundingPayment
			for _, b := range h.rec.Batches() {
				pays = append(pays, b.Funding...)
			}
			if len(pays) != 2 {
				t.Fatalf("want one payment per whole hour, got %+v", pays)
			}
			for i, p := range pays {
				if p.Amount != fx(tt.want) || p.MarkPrice != fx("100") || p.Rate != fx(tt.rate) {
					t.Errorf("payment %+v", p)
				}
				if want := time.Date(2025, 3, 1, 13+i, 0, 0, 0, time.UTC); !p.Time.Equal(want) {
					t.Errorf("payment at %s, want %s", p.Time, want)
				}
			}
			s := h.snapshot("a")
			if s.Funding != fx(tt.want).MulInt(2) || s.Cash != before+fx(tt.want).MulInt(2) {
				t.Fatalf("funding %s cash %s", s.Funding, s.Cash)
			}
			if s.Positions[0].Funding != s.Funding {
				t.Fatalf("position funding %s", s.Positions[0].Funding)
			}
			h.checkLedger("a")
		})
	}
}

func TestNoFundingWithoutRateOrPosition(t *testing.T) {
	h := newHarness(t, nil, "a", "b")
	h.snap("BTC", "99.9:10", "100.1:10")
	h.mustSubmit(mkt("o", arena.Long, "1"))
	h.ex.Advance(t0.Add(3 * time.Hour)) // no stats received: no rate
	for _, b := range h.rec.Batches() {
		if len(b.Funding) > 0 {
			t.Fatalf("funding without a rate: %+v", b.Funding)
		}
	}
}
