package marketdata

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/autonome-go/autonome/shared/arena"
)

func lv(price, size string) arena.Level {
	return arena.Level{Price: arena.MustFixed(price), Size: arena.MustFixed(size)}
}

func TestBookApply(t *testing.T) {
	snap := arena.BookUpdate{Symbol: "BTC", Snapshot: true, Seq: 10,
		// Deliberately unsorted, with a zero level and a duplicate price.
		Bids: []arena.Level{lv("99", "2"), lv("100", "1"), lv("98", "0"), lv("99", "3")},
		Asks: []arena.Level{lv("102", "4"), lv("101", "5")},
	}
	tests := []struct {
		name     string
		updates  []arena.BookUpdate
		wantErr  bool
		wantBids []arena.Level
		wantAsks []arena.Level
	}{
		{
			name:     "snapshot sorts, drops zeros, last duplicate wins",
			updates:  []arena.BookUpdate{snap},
			wantBids: []arena.Level{lv("100", "1"), lv("99", "3")},
			wantAsks: []arena.Level{lv("101", "5"), lv("102", "4")},
		},
		{
			name: "delta sets, inserts and deletes",
			updates: []arena.BookUpdate{snap, {Symbol: "BTC", Seq: 11,
				Bids: []arena.Level{lv("100", "0"), lv("99.5", "7"), lv("97", "0")},
				Asks: []arena.Level{lv("101", "6"), lv("103", "1")},
			}},
			wantBids: []arena.Level{lv("99.5", "7"), lv("99", "3")},
			wantAsks: []arena.Level{lv("101", "6"), lv("102", "4"), lv("103", "1")},
		},
		{
			name:    "delta before snapshot",
			updates: []arena.BookUpdate{{Symbol: "BTC", Bids: []arena.Level{lv("1", "1")}}},
			wantErr: true,
		},
		{
			name:    "negative size",
			updates: []arena.BookUpdate{{Symbol: "BTC", Snapshot: true, Bids: []arena.Level{lv("1", "-1")}}},
			wantErr: true,
		},
		{
			name:    "zero price",
			updates: []arena.BookUpdate{{Symbol: "BTC", Snapshot: true, Asks: []arena.Level{lv("0", "1")}}},
			wantErr: true,
		},
		{
			name:    "other symbol",
			updates: []arena.BookUpdate{{Symbol: "ETH", Snapshot: true}},
			wantErr: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := NewBook("BTC")
			var err error
			for _, u := range tt.updates {
				if err = b.Apply(u); err != nil {
					break
				}
			}
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if err != nil {
				if arena.ErrorCode(err) != arena.CodeInvalid {
					t.Errorf("code = %s", arena.ErrorCode(err))
				}
				return
			}
			got := b.Snapshot(0)
			if diff := cmp.Diff(tt.wantBids, got.Bids); diff != "" {
				t.Errorf("bids (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantAsks, got.Asks); diff != "" {
				t.Errorf("asks (-want +got):\n%s", diff)
			}
		})
	}
}

func TestBookMid(t *testing.T) {
	b := NewBook("ETH")
	if _, ok := b.Mid(); ok {
		t.Fatal("empty book has a mid")
	}
	must(t, b.Apply(arena.BookUpdate{Symbol: "ETH", Snapshot: true,
		Bids: []arena.Level{lv("3300.01", "1")}, Asks: []arena.Level{lv("3300.04", "1")}}))
	if m, ok := b.Mid(); !ok || m != arena.MustFixed("3300.025") {
		t.Errorf("mid = %s, %v", m, ok)
	}
	must(t, b.Apply(arena.BookUpdate{Symbol: "ETH", Asks: []arena.Level{lv("3300.04", "0"), lv("3300", "1")}}))
	if !b.Crossed() {
		t.Error("crossed book not reported")
	}
	if _, ok := b.Mid(); ok {
		t.Error("crossed book has a mid")
	}
	if got := b.Snapshot(1); len(got.Bids) != 1 || len(got.Asks) != 1 {
		t.Errorf("depth-limited snapshot = %+v", got)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
