package redis_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	goredis "github.com/redis/go-redis/v9"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/redis"
	"github.com/autonome-go/autonome/shared/testenv"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func newLog(t *testing.T, opts redis.EventLogOptions) (*redis.EventLog, *goredis.Client, string) {
	t.Helper()
	rdb, prefix := testenv.Redis(t)
	opts.Prefix = prefix
	if opts.Logger == nil {
		opts.Logger = quiet
	}
	return redis.NewEventLog(rdb, opts), rdb, prefix
}

type payload struct {
	N int `json:"n"`
}

func publishN(t *testing.T, log *redis.EventLog, ch arena.Channel, from, n int) []arena.Event {
	t.Helper()
	ctx := testenv.Context(t, 5*time.Second)
	var out []arena.Event
	for i := from; i < from+n; i++ {
		ev, err := log.Publish(ctx, ch, arena.EventTradesUpdated, payload{N: i})
		if err != nil {
			t.Fatalf("publish %d: %v", i, err)
		}
		out = append(out, ev)
	}
	return out
}

func ids(evs []arena.Event) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.ID
	}
	return out
}

func TestPublishAssignsIncreasingIDsAndSinceReplaysInOrder(t *testing.T) {
	log, _, _ := newLog(t, redis.EventLogOptions{})
	ctx := testenv.Context(t, 5*time.Second)
	pub := publishN(t, log, arena.ChannelTrades, 0, 5)
	for i := 1; i < len(pub); i++ {
		if arena.CompareEventIDs(pub[i-1].ID, pub[i].ID) >= 0 {
			t.Fatalf("ids not increasing: %s then %s", pub[i-1].ID, pub[i].ID)
		}
	}
	if pub[0].Type != arena.EventTradesUpdated || string(pub[0].Data) != `{"n":0}` || pub[0].Channel != arena.ChannelTrades {
		t.Errorf("published event = %+v", pub[0])
	}

	all, ok, err := log.Since(ctx, arena.ChannelTrades, arena.EventIDZero, 0)
	if err != nil || !ok {
		t.Fatalf("Since(0-0) = ok %v, err %v", ok, err)
	}
	if diff := cmp.Diff(pub, all); diff != "" {
		t.Errorf("Since(0-0) differs from what was published (-want +got):\n%s", diff)
	}
	tail, ok, err := log.Since(ctx, arena.ChannelTrades, pub[2].ID, 0)
	if err != nil || !ok {
		t.Fatalf("Since(%s) = ok %v, err %v", pub[2].ID, ok, err)
	}
	if diff := cmp.Diff(ids(pub[3:]), ids(tail)); diff != "" {
		t.Errorf("Since(third) (-want +got):\n%s", diff)
	}
	page, _, _ := log.Since(ctx, arena.ChannelTrades, arena.EventIDZero, 2)
	if diff := cmp.Diff(ids(pub[:2]), ids(page)); diff != "" {
		t.Errorf("Since with limit 2 (-want +got):\n%s", diff)
	}
	other, ok, err := log.Since(ctx, arena.ChannelPositions, arena.EventIDZero, 0)
	if err != nil || !ok || len(other) != 0 {
		t.Errorf("other channel: %v, %v, %v; want nothing, ok", other, ok, err)
	}
}

func TestSinceReportsIDsOutsideTheWindow(t *testing.T) {
	log, _, _ := newLog(t, redis.EventLogOptions{MaxLen: 3})
	ctx := testenv.Context(t, 5*time.Second)
	pub := publishN(t, log, arena.ChannelPositions, 0, 6) // pub[0..2] trimmed

	tests := []struct {
		name  string
		after string
		ok    bool
		want  []string
	}{
		{"newest trimmed event: everything after it remains", pub[2].ID, true, ids(pub[3:])},
		{"oldest kept event", pub[3].ID, true, ids(pub[4:])},
		{"newest event", pub[5].ID, true, []string{}},
		{"older trimmed event", pub[1].ID, false, nil},
		{"beginning after trimming", arena.EventIDZero, false, nil},
		{"id never assigned (e.g. before a data loss)", "1-1", false, nil},
		{"id from the future", "99999999999999-0", false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok, err := log.Since(ctx, arena.ChannelPositions, tt.after, 0)
			if err != nil {
				t.Fatal(err)
			}
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v", ok, tt.ok)
			}
			if tt.ok {
				if diff := cmp.Diff(tt.want, ids(got)); diff != "" {
					t.Errorf("(-want +got):\n%s", diff)
				}
			}
		})
	}

	if _, ok, _ := log.Since(ctx, arena.ChannelWorkflow, arena.EventIDZero, 0); !ok {
		t.Error("empty channel from 0-0: not ok")
	}
	if _, ok, _ := log.Since(ctx, arena.ChannelWorkflow, pub[5].ID, 0); ok {
		t.Error("empty channel from an id it never had: ok")
	}
}

func TestEventLogRejectsBadInput(t *testing.T) {
	log, _, _ := newLog(t, redis.EventLogOptions{})
	ctx := testenv.Context(t, 5*time.Second)
	checks := []struct {
		name string
		err  error
	}{
		{"unknown channel", func() error { _, err := log.Publish(ctx, "nope", "x", 1); return err }()},
		{"empty type", func() error { _, err := log.Publish(ctx, arena.ChannelTrades, "", 1); return err }()},
		{"type with newline", func() error { _, err := log.Publish(ctx, arena.ChannelTrades, "a\nb", 1); return err }()},
		{"bad id", func() error { _, _, err := log.Since(ctx, arena.ChannelTrades, "1-2 OR 3", 0); return err }()},
		{"state of unknown channel", func() error { _, _, err := log.State(ctx, "nope"); return err }()},
	}
	for _, c := range checks {
		if arena.ErrorCode(c.err) != arena.CodeInvalid {
			t.Errorf("%s: err = %v, want code invalid", c.name, c.err)
		}
	}
	if _, err := log.Publish(ctx, arena.ChannelTrades, "x", func() {}); err == nil {
		t.Error("unencodable data accepted")
	}
}

func TestStateIsTheSnapshotAndTheEventItReflects(t *testing.T) {
	log, _, _ := newLog(t, redis.EventLogOptions{MaxLen: 3})
	ctx := testenv.Context(t, 5*time.Second)

	snap, last, err := log.State(ctx, arena.ChannelPositions)
	if err != nil || snap != nil || last != arena.EventIDZero {
		t.Fatalf("empty channel: State = %s, %q, %v; want nil, 0-0, nil", snap, last, err)
	}
	plain := publishN(t, log, arena.ChannelPositions, 0, 1)
	if snap, last, _ = log.State(ctx, arena.ChannelPositions); snap != nil || last != plain[0].ID {
		t.Fatalf("no snapshot yet: State = %s, %q; want nil, %s", snap, last, plain[0].ID)
	}

	ev, err := log.PublishState(ctx, arena.ChannelPositions, arena.EventPositionsUpdated, payload{N: 1}, []payload{{1}, {2}})
	if err != nil {
		t.Fatal(err)
	}
	later := publishN(t, log, arena.ChannelPositions, 2, 1)
	snap, last, err = log.State(ctx, arena.ChannelPositions)
	if err != nil {
		t.Fatal(err)
	}
	if string(snap) != `[{"n":1},{"n":2}]` || last != ev.ID {
		t.Errorf("State = %s, %q; want the snapshot at %s", snap, last, ev.ID)
	}
	rest, ok, _ := log.Since(ctx, arena.ChannelPositions, last, 0)
	if !ok || len(rest) != 1 || rest[0].ID != later[0].ID {
		t.Errorf("events after the snapshot = %v (ok %v), want %s", ids(rest), ok, later[0].ID)
	}

	// Once the snapshot's event is trimmed, State points at the newest event
	// so that Since(lastID) is always answerable.
	newest := publishN(t, log, arena.ChannelPositions, 3, 3)
	snap, last, _ = log.State(ctx, arena.ChannelPositions)
	if string(snap) != `[{"n":1},{"n":2}]` || last != newest[2].ID {
		t.Errorf("after trimming: State = %s, %q; want the old snapshot at %s", snap, last, newest[2].ID)
	}
}

// collector gathers delivered batches.
type collector struct {
	ch chan arena.EventBatch
}

func newCollector() *collector { return &collector{ch: make(chan arena.EventBatch, 1000)} }

func (c *collector) deliver(b arena.EventBatch) { c.ch <- b }

// next returns the next batch or fails the test after a timeout.
func (c *collector) next(t *testing.T) arena.EventBatch {
	t.Helper()
	select {
	case b := <-c.ch:
		return b
	case <-time.After(10 * time.Second):
		t.Fatal("no batch delivered within 10 s")
		return arena.EventBatch{}
	}
}

// events reads batches until n events arrived, checking that each batch
// starts where the previous one ended.
func (c *collector) events(t *testing.T, prev string, n int) []arena.Event {
	t.Helper()
	var out []arena.Event
	for len(out) < n {
		b := c.next(t)
		if b.Reset {
			t.Fatalf("unexpected reset after %d events", len(out))
		}
		if b.Prev != prev {
			t.Fatalf("batch Prev = %s, want %s (the last event delivered)", b.Prev, prev)
		}
		out = append(out, b.Events...)
		prev = b.Events[len(b.Events)-1].ID
	}
	return out
}

// startSubscription runs a subscription until the test ends and returns the
// position marks it delivered first, by channel.
func startSubscription(t *testing.T, log *redis.EventLog, c *collector, chs ...arena.Channel) map[arena.Channel]string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	sub := log.Subscribe(chs, c.deliver)
	done := make(chan error, 1)
	go func() { done <- sub.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Error("Run did not return after cancel")
		}
	})
	select {
	case <-sub.Ready():
	case <-time.After(10 * time.Second):
		t.Fatal("subscription not ready within 10 s")
	}
	marks := make(map[arena.Channel]string)
	for range chs { // one position mark per channel
		b := c.next(t)
		if len(b.Events) != 0 || b.Reset {
			t.Fatalf("first batch %+v, want a position mark", b)
		}
		marks[b.Channel] = b.Prev
	}
	return marks
}

func TestSubscriptionDeliversLiveEventsInOrder(t *testing.T) {
	log, _, _ := newLog(t, redis.EventLogOptions{})
	before := publishN(t, log, arena.ChannelTrades, 0, 2) // not delivered: before the start
	c := newCollector()
	marks := startSubscription(t, log, c, arena.ChannelTrades, arena.ChannelPositions)
	want := map[arena.Channel]string{arena.ChannelTrades: before[1].ID, arena.ChannelPositions: arena.EventIDZero}
	if diff := cmp.Diff(want, marks); diff != "" {
		t.Errorf("position marks (-want +got):\n%s", diff)
	}

	trades := publishN(t, log, arena.ChannelTrades, 2, 50)
	pos := publishN(t, log, arena.ChannelPositions, 0, 1)
	got := c.events(t, before[1].ID, 50)
	if diff := cmp.Diff(trades, got); diff != "" {
		t.Errorf("trades (-published +delivered):\n%s", diff)
	}
	b := c.next(t)
	if b.Channel != arena.ChannelPositions || b.Prev != arena.EventIDZero || len(b.Events) != 1 || b.Events[0].ID != pos[0].ID {
		t.Errorf("positions batch = %+v", b)
	}
}

func TestSubscriptionRepairsLostMessagesFromHistory(t *testing.T) {
	log, rdb, prefix := newLog(t, redis.EventLogOptions{PollInterval: 200 * time.Millisecond})
	ctx := testenv.Context(t, 10*time.Second)
	c := newCollector()
	startSubscription(t, log, c, arena.ChannelTrades)
	first := publishN(t, log, arena.ChannelTrades, 0, 1)
	c.events(t, arena.EventIDZero, 1)

	// Append to the history without publishing: to subscribers this looks
	// exactly like pub/sub messages lost in transit.
	stream := prefix + "events:{trades}"
	var lost []string
	for i := range 3 {
		id, err := rdb.XAdd(ctx, &goredis.XAddArgs{Stream: stream, Values: []any{"t", "lost", "ts", "1", "d", fmt.Sprintf(`{"lost":%d}`, i)}}).Result()
		if err != nil {
			t.Fatal(err)
		}
		lost = append(lost, id)
	}
	next := publishN(t, log, arena.ChannelTrades, 1, 1)
	got := c.events(t, first[0].ID, 4)
	if diff := cmp.Diff(append(lost, next[0].ID), ids(got)); diff != "" {
		t.Errorf("delivered after a gap (-want +got):\n%s", diff)
	}

	// A lost trailing message, with nothing after it, is found by polling.
	id, err := rdb.XAdd(ctx, &goredis.XAddArgs{Stream: stream, Values: []any{"t", "lost", "ts", "1", "d", `{}`}}).Result()
	if err != nil {
		t.Fatal(err)
	}
	if got := c.events(t, next[0].ID, 1); got[0].ID != id {
		t.Errorf("trailing lost event: got %s, want %s", got[0].ID, id)
	}
}

// proxiedLog returns an event log whose Redis traffic goes through a proxy the
// test can cut, and one sharing its keys that talks to Redis directly.
func proxiedLog(t *testing.T, opts redis.EventLogOptions) (viaProxy, direct *redis.EventLog, p *testenv.Proxy) {
	t.Helper()
	direct, _, prefix := newLog(t, opts)
	ropts, err := goredis.ParseURL(testenv.RedisURL())
	if err != nil {
		t.Fatal(err)
	}
	p = testenv.NewProxy(t, ropts.Addr)
	ropts.Addr = p.Addr()
	ropts.DialTimeout, ropts.ReadTimeout, ropts.WriteTimeout = time.Second, time.Second, time.Second
	ropts.MaxRetries = 0
	rdb := goredis.NewClient(ropts)
	t.Cleanup(func() { _ = rdb.Close() })
	opts.Prefix = prefix
	opts.Logger = quiet
	return redis.NewEventLog(rdb, opts), direct, p
}

func TestSubscriptionSurvivesARedisOutage(t *testing.T) {
	opts := redis.EventLogOptions{PollInterval: 200 * time.Millisecond, MinBackoff: 20 * time.Millisecond, MaxBackoff: 100 * time.Millisecond}
	viaProxy, direct, p := proxiedLog(t, opts)
	c := newCollector()
	startSubscription(t, viaProxy, c, arena.ChannelTrades)
	before := publishN(t, direct, arena.ChannelTrades, 0, 3)
	c.events(t, arena.EventIDZero, 3)

	p.Cut()
	during := publishN(t, direct, arena.ChannelTrades, 3, 20)
	time.Sleep(300 * time.Millisecond) // let the subscription notice and retry at least once
	p.Restore()
	after := publishN(t, direct, arena.ChannelTrades, 23, 5)

	got := c.events(t, before[2].ID, 25)
	if diff := cmp.Diff(ids(append(during, after...)), ids(got)); diff != "" {
		t.Errorf("events across the outage (-want +got):\n%s", diff)
	}
}

func TestSubscriptionResetsWhenTheOutageOutlastsTheHistory(t *testing.T) {
	opts := redis.EventLogOptions{MaxLen: 5, PollInterval: 200 * time.Millisecond, MinBackoff: 20 * time.Millisecond, MaxBackoff: 100 * time.Millisecond}
	viaProxy, direct, p := proxiedLog(t, opts)
	c := newCollector()
	startSubscription(t, viaProxy, c, arena.ChannelPortfolio)
	first, err := direct.Publish(testenv.Context(t, time.Second), arena.ChannelPortfolio, arena.EventPortfolioUpdated, payload{})
	if err != nil {
		t.Fatal(err)
	}
	c.events(t, arena.EventIDZero, 1)

	p.Cut()
	during := publishN(t, direct, arena.ChannelPortfolio, 0, 20)
	p.Restore()

	b := c.next(t)
	if !b.Reset || b.Channel != arena.ChannelPortfolio || b.Prev != during[19].ID {
		t.Fatalf("after losing history: batch %+v, want Reset at %s (first was %s)", b, during[19].ID, first.ID)
	}
	after := publishN(t, direct, arena.ChannelPortfolio, 20, 2)
	if diff := cmp.Diff(ids(after), ids(c.events(t, during[19].ID, 2))); diff != "" {
		t.Errorf("after the reset (-want +got):\n%s", diff)
	}
}

func TestPublishedEventsRoundTripThroughJSON(t *testing.T) {
	log, _, _ := newLog(t, redis.EventLogOptions{})
	ctx := testenv.Context(t, 5*time.Second)
	raw := json.RawMessage("{\n  \"multi\": \"line\\nvalue\"\n}")
	ev, err := log.Publish(ctx, arena.ChannelConversations, arena.EventConversationsUpdated, raw)
	if err != nil {
		t.Fatal(err)
	}
	if string(ev.Data) != `{"multi":"line\nvalue"}` {
		t.Errorf("data = %s, want compact JSON", ev.Data)
	}
	got, _, _ := log.Since(ctx, arena.ChannelConversations, arena.EventIDZero, 0)
	if len(got) != 1 || !got[0].Time.Equal(ev.Time) || string(got[0].Data) != string(ev.Data) {
		t.Errorf("read back %+v, want %+v", got, ev)
	}
}
