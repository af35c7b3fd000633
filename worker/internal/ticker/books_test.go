package ticker

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/redis"
	"github.com/autonome-go/autonome/shared/testenv"
)

func lv(price, size string) arena.Level {
	return arena.Level{Price: arena.MustFixed(price), Size: arena.MustFixed(size)}
}

// The venue book followed from snapshots and deltas reaches the store the
// API reads, best levels first; a stale delta is ignored, as the simulator
// ignores it; an unchanged book is not stored again.
func TestBooksReachTheStore(t *testing.T) {
	rdb, prefix := testenv.Redis(t)
	ctx := testenv.Context(t, 10*time.Second)
	store := redis.NewBooks(rdb, prefix)
	books := NewBooks()
	stored := &countingBooks{next: store}
	tk := New(func() []arena.Price { return nil }, &failingMarks{}, &countingPub{}, time.Second, slog.New(slog.NewTextHandler(io.Discard, nil)))
	tk.PublishBooks(books, stored)

	at := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	tk.publish(ctx)                                                                                                  // nothing yet
	must(t, books.OnBook(ctx, arena.BookUpdate{Symbol: "ETH", Time: at, Seq: 5, Bids: []arena.Level{lv("1", "1")}})) // delta before a snapshot
	must(t, books.OnBook(ctx, arena.BookUpdate{Symbol: "BTC", Time: at, Seq: 10, Snapshot: true,
		Bids: []arena.Level{lv("100", "1"), lv("99", "2"), lv("98", "3")}, Asks: []arena.Level{lv("101", "1"), lv("102", "2")}}))
	must(t, books.OnBook(ctx, arena.BookUpdate{Symbol: "BTC", Time: at.Add(time.Second), Seq: 11,
		Bids: []arena.Level{lv("99", "0"), lv("99.5", "4")}, Asks: []arena.Level{lv("100.5", "0.5")}}))
	must(t, books.OnBook(ctx, arena.BookUpdate{Symbol: "BTC", Time: at.Add(2 * time.Second), Seq: 11,
		Bids: []arena.Level{lv("100", "0")}})) // not after 11: ignored
	tk.publish(ctx)
	tk.publish(ctx)

	got, ok, err := store.Get(ctx, "BTC")
	if err != nil || !ok {
		t.Fatalf("get: %v %v", ok, err)
	}
	want := arena.BookUpdate{Symbol: "BTC", Time: at.Add(time.Second), Seq: 11, Snapshot: true,
		Bids: []arena.Level{lv("100", "1"), lv("99.5", "4"), lv("98", "3")},
		Asks: []arena.Level{lv("100.5", "0.5"), lv("101", "1"), lv("102", "2")}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("stored book (-want +got):\n%s", diff)
	}
	if _, ok, _ := store.Get(ctx, "ETH"); ok {
		t.Fatal("a delta without a snapshot made a book")
	}
	if stored.n != 1 {
		t.Fatalf("stored %d times, want 1 (unchanged books are not stored again)", stored.n)
	}
}

// A published book holds at most BookDepth levels per side.
func TestBooksDepth(t *testing.T) {
	books := NewBooks()
	var bids []arena.Level
	for i := range 3 * BookDepth {
		bids = append(bids, arena.Level{Price: arena.FixedInt(int64(1000 - i)), Size: arena.One})
	}
	must(t, books.OnBook(t.Context(), arena.BookUpdate{Symbol: "SOL", Snapshot: true, Bids: bids}))
	got, _ := books.Snapshot()
	if len(got) != 1 || len(got[0].Bids) != BookDepth || got[0].Bids[0].Price != arena.FixedInt(1000) || len(got[0].Asks) != 0 {
		t.Fatalf("snapshot: %d books, %d bids, best %v", len(got), len(got[0].Bids), got[0].Bids[0])
	}
}

type countingBooks struct {
	next BookStore
	n    int
}

func (c *countingBooks) Set(ctx context.Context, b []arena.BookUpdate) error {
	c.n++
	return c.next.Set(ctx, b)
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
