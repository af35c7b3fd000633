package redis_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/redis"
	"github.com/autonome-go/autonome/shared/testenv"
)

func TestMarksRoundTrip(t *testing.T) {
	rdb, prefix := testenv.Redis(t)
	ctx := testenv.Context(t, 5*time.Second)
	m := redis.NewMarks(rdb, prefix)
	at := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	if err := m.Set(ctx, []arena.Price{{Symbol: "SOL", Price: arena.MustFixed("190.123"), Time: at}, {Symbol: "BTC", Price: arena.MustFixed("97000.1"), Time: at}}); err != nil {
		t.Fatal(err)
	}
	if err := m.Set(ctx, []arena.Price{{Symbol: "BTC", Price: arena.MustFixed("97001"), Time: at.Add(time.Second)}}); err != nil {
		t.Fatal(err)
	}
	got, err := m.All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []arena.Price{{Symbol: "BTC", Price: arena.MustFixed("97001"), Time: at.Add(time.Second)}, {Symbol: "SOL", Price: arena.MustFixed("190.123"), Time: at}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("marks (-want +got):\n%s", diff)
	}
}

func TestBooksRoundTrip(t *testing.T) {
	rdb, prefix := testenv.Redis(t)
	ctx := testenv.Context(t, 5*time.Second)
	b := redis.NewBooks(rdb, prefix)
	if _, ok, err := b.Get(ctx, "BTC"); ok || err != nil {
		t.Fatalf("empty store: ok=%v err=%v", ok, err)
	}
	at := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	btc := arena.BookUpdate{Symbol: "BTC", Time: at, Seq: 7,
		Bids: []arena.Level{{Price: arena.MustFixed("97000.1"), Size: arena.MustFixed("0.5")}},
		Asks: []arena.Level{{Price: arena.MustFixed("97000.2"), Size: arena.MustFixed("1.25")}}}
	if err := b.Set(ctx, []arena.BookUpdate{btc, {Symbol: "ETH", Time: at}}); err != nil {
		t.Fatal(err)
	}
	got, ok, err := b.Get(ctx, "BTC")
	btc.Snapshot = true
	if err != nil || !ok {
		t.Fatalf("get: ok=%v err=%v", ok, err)
	}
	if diff := cmp.Diff(btc, got); diff != "" {
		t.Fatalf("book (-want +got):\n%s", diff)
	}
}
