package ticker

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/redis"
	"github.com/autonome-go/autonome/shared/testenv"
)

// Prices flow to the marks the API reads and to the prices channel the
// relays serve, and unchanged prices are not published again.
func TestPublishesToMarksAndEventLog(t *testing.T) {
	rdb, prefix := testenv.Redis(t)
	ctx := testenv.Context(t, 10*time.Second)
	marks := redis.NewMarks(rdb, prefix)
	events := redis.NewEventLog(rdb, redis.EventLogOptions{Prefix: prefix})
	at := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	prices := []arena.Price{{Symbol: "BTC", Price: arena.MustFixed("97000.5"), Time: at}}
	tk := New(func() []arena.Price { return prices }, marks, events, time.Second, slog.New(slog.NewTextHandler(io.Discard, nil)))

	tk.publish(ctx)
	tk.publish(ctx) // unchanged: no second event
	prices = []arena.Price{{Symbol: "BTC", Price: arena.MustFixed("97001"), Time: at.Add(time.Second)}}
	tk.publish(ctx)

	got, err := marks.All(ctx)
	if err != nil || len(got) != 1 || got[0].Price != arena.MustFixed("97001") {
		t.Fatalf("marks = %v, %v", got, err)
	}
	evs, ok, err := events.Since(ctx, arena.ChannelPrices, "0-0", 10)
	if err != nil || !ok {
		t.Fatalf("since: %v %v", ok, err)
	}
	if len(evs) != 2 {
		t.Fatalf("published %d events, want 2", len(evs))
	}
	var p Payload
	if err := json.Unmarshal(evs[1].Data, &p); err != nil || p.Prices[0].Price != arena.MustFixed("97001") {
		t.Fatalf("payload %s: %v", evs[1].Data, err)
	}
	state, _, err := events.State(ctx, arena.ChannelPrices)
	if err != nil || string(state) != string(evs[1].Data) {
		t.Fatalf("state %s, %v", state, err)
	}
}

type failingMarks struct{ fail bool }

func (f *failingMarks) Set(context.Context, []arena.Price) error {
	if f.fail {
		return errors.New("connection refused")
	}
	return nil
}

type countingPub struct{ n int }

func (c *countingPub) PublishState(context.Context, arena.Channel, string, any, any) (arena.Event, error) {
	c.n++
	return arena.Event{}, nil
}

// After an outage the same prices are published again, so the relays are
// not left with what they had before it.
func TestRetriesAfterFailure(t *testing.T) {
	m, pub := &failingMarks{fail: true}, &countingPub{}
	prices := []arena.Price{{Symbol: "ETH", Price: arena.FixedInt(3300)}}
	tk := New(func() []arena.Price { return prices }, m, pub, time.Second, slog.New(slog.NewTextHandler(io.Discard, nil)))
	tk.publish(t.Context())
	if pub.n != 0 || !tk.failing {
		t.Fatalf("published during outage: n=%d failing=%v", pub.n, tk.failing)
	}
	m.fail = false
	tk.publish(t.Context())
	tk.publish(t.Context())
	if pub.n != 1 || tk.failing {
		t.Fatalf("after recovery: n=%d failing=%v", pub.n, tk.failing)
	}
}
