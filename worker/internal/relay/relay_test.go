package relay_test

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	goredis "github.com/redis/go-redis/v9"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/redis"
	"github.com/autonome-go/autonome/shared/testenv"
	"github.com/autonome-go/autonome/worker/internal/relay"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// fastLog are event log options that notice outages quickly.
var fastLog = redis.EventLogOptions{PollInterval: 200 * time.Millisecond, MinBackoff: 20 * time.Millisecond, MaxBackoff: 100 * time.Millisecond}

// newLog returns an event log on a fresh key prefix, and that prefix.
func newLog(t *testing.T, opts redis.EventLogOptions) (*redis.EventLog, string) {
	t.Helper()
	rdb, prefix := testenv.Redis(t)
	opts.Prefix, opts.Logger = prefix, quiet
	return redis.NewEventLog(rdb, opts), prefix
}

type testRelay struct {
	srv  *relay.Server
	url  string
	stop func()
}

// plainStreams runs the whole suite against plain streams (every stream
// through its http.ResponseWriter, the HTTP/2 path): go test -relay.plain.
var plainStreams = flag.Bool("relay.plain", false, "serve every stream plain (relay.Options.PlainStreams)")

// startRelay serves a relay over log until the test ends (or stop) and waits
// until it follows every channel.
func startRelay(t *testing.T, log relay.Log, opts relay.Options) *testRelay {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = quiet
	}
	opts.PlainStreams = opts.PlainStreams || *plainStreams
	srv := relay.New(log, opts)
	hs := httptest.NewUnstartedServer(srv.Handler())
	hs.Config.ReadHeaderTimeout = 5 * time.Second
	hs.Start()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer scancel()
		if err := srv.Shutdown(sctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		hs.Close()
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}
	t.Cleanup(stop)
	select {
	case <-srv.Ready():
	case <-time.After(10 * time.Second):
		t.Fatal("relay not ready within 10 s")
	}
	return &testRelay{srv: srv, url: hs.URL, stop: stop}
}

type row struct {
	N int `json:"n"`
}

// publishPositions publishes n positions events whose payload and snapshot
// are both []row{{N: i}}, as the worker publishes the full positions array.
func publishPositions(t *testing.T, log *redis.EventLog, from, n int) []arena.Event {
	t.Helper()
	ctx := testenv.Context(t, 10*time.Second)
	var out []arena.Event
	for i := from; i < from+n; i++ {
		v := []row{{N: i}}
		ev, err := log.PublishState(ctx, arena.ChannelPositions, arena.EventPositionsUpdated, v, v)
		if err != nil {
			t.Fatalf("publish: %v", err)
		}
		out = append(out, ev)
	}
	return out
}

// expectEvents reads len(want) events and compares IDs and payloads.
func expectEvents(t *testing.T, c *sseConn, want []arena.Event, named bool) {
	t.Helper()
	var got, exp []sseEvent
	for _, ev := range want {
		b := c.next(t)
		got = append(got, sseEvent{ID: b.ID, Event: b.Event, Data: b.Data})
		e := sseEvent{ID: ev.ID, Data: string(ev.Data)}
		if named {
			e.Event = ev.Type
		}
		exp = append(exp, e)
	}
	if diff := cmp.Diff(exp, got); diff != "" {
		t.Fatalf("events (-want +got):\n%s", diff)
	}
}

func eventsURL(base string, ch arena.Channel) string { return base + "/api/events/" + string(ch) }

func resumeHeader(id string) http.Header { return http.Header{"Last-Event-Id": {id}} }

func TestNewClientGetsRetrySnapshotThenLiveEventsInOrder(t *testing.T) {
	log, _ := newLog(t, redis.EventLogOptions{})
	first := publishPositions(t, log, 0, 3)
	r := startRelay(t, log, relay.Options{})

	c := dial(t, eventsURL(r.url, arena.ChannelPositions), nil)
	if b := c.nextBlock(t); b.Retry != "2000" {
		t.Errorf("first block %+v, want the retry hint", b)
	}
	snap := c.next(t)
	if snap.ID != first[2].ID || snap.Data != `[{"n":2}]` || snap.Event != "" {
		t.Errorf("snapshot %+v, want the last state as an unnamed message with id %s", snap, first[2].ID)
	}
	named := dial(t, eventsURL(r.url, arena.ChannelPositions)+"?named=1", nil)
	if s := named.next(t); s.Event != "snapshot" || s.ID != first[2].ID {
		t.Errorf("named snapshot %+v", s)
	}

	live := publishPositions(t, log, 3, 30)
	expectEvents(t, c, live, false)
	expectEvents(t, named, live, true)
}

// Plain streams (HTTP/2's path, and the design make bench-sse compares)
// send the same bytes: retry hint, snapshot, live events in order, and a
// resume with exactly what was missed. (go test -relay.plain runs every
// test of the package this way.)
func TestPlainStreamsSendTheSameEvents(t *testing.T) {
	log, _ := newLog(t, redis.EventLogOptions{})
	first := publishPositions(t, log, 0, 3)
	r := startRelay(t, log, relay.Options{PlainStreams: true})
	c := dial(t, eventsURL(r.url, arena.ChannelPositions), nil)
	if b := c.nextBlock(t); b.Retry != "2000" {
		t.Errorf("first block %+v, want the retry hint", b)
	}
	if snap := c.next(t); snap.ID != first[2].ID || snap.Data != `[{"n":2}]` {
		t.Errorf("snapshot %+v", snap)
	}
	live := publishPositions(t, log, 3, 10)
	expectEvents(t, c, live, false)
	c.Close()
	missed := publishPositions(t, log, 13, 5)
	c2 := dial(t, eventsURL(r.url, arena.ChannelPositions), resumeHeader(live[9].ID))
	expectEvents(t, c2, missed, false)
}

func TestChannelWithoutStateSendsItsPositionOnly(t *testing.T) {
	log, _ := newLog(t, redis.EventLogOptions{})
	ctx := testenv.Context(t, 5*time.Second)
	old, err := log.Publish(ctx, arena.ChannelTrades, arena.EventTradesUpdated, []row{{1}})
	if err != nil {
		t.Fatal(err)
	}
	r := startRelay(t, log, relay.Options{})
	c := dial(t, eventsURL(r.url, arena.ChannelTrades), nil)
	if b := c.next(t); b.ID != old.ID || b.Data != "" || b.Event != "" {
		t.Errorf("first event %+v, want only the id %s", b, old.ID)
	}
	ev, err := log.Publish(ctx, arena.ChannelTrades, arena.EventTradesUpdated, []row{{2}})
	if err != nil {
		t.Fatal(err)
	}
	expectEvents(t, c, []arena.Event{ev}, false)
}

func TestWorkflowEventsAreNamedAndStartWithConnected(t *testing.T) {
	log, _ := newLog(t, redis.EventLogOptions{})
	r := startRelay(t, log, relay.Options{})
	c := dial(t, eventsURL(r.url, arena.ChannelWorkflow), nil)
	b := c.next(t)
	var connected struct{ Type, Timestamp string }
	if err := json.Unmarshal([]byte(b.Data), &connected); err != nil || b.Event != "connected" || connected.Type != "connected" || connected.Timestamp == "" {
		t.Errorf("first event %+v (%v), want connected {type, timestamp}", b, err)
	}
	if b := c.next(t); b.ID != arena.EventIDZero || b.Data != "" {
		t.Errorf("position %+v, want id 0-0", b)
	}
	ev, err := log.Publish(testenv.Context(t, 5*time.Second), arena.ChannelWorkflow, arena.EventWorkflowComplete,
		map[string]any{"type": arena.EventWorkflowComplete, "modelId": "m1"})
	if err != nil {
		t.Fatal(err)
	}
	expectEvents(t, c, []arena.Event{ev}, true)
}

func TestResumeAfterReconnectSendsExactlyWhatWasMissed(t *testing.T) {
	for _, tt := range []struct {
		name     string
		newRelay bool // resume on a relay started after the events: its ring lacks them, so they come from Redis
		query    bool
	}{
		{"from the relay's ring", false, false},
		{"from redis history", true, false},
		{"lastEventId query parameter", true, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			log, _ := newLog(t, redis.EventLogOptions{})
			r := startRelay(t, log, relay.Options{})
			c := dial(t, eventsURL(r.url, arena.ChannelPositions), nil)
			c.next(t) // snapshot
			seen := publishPositions(t, log, 0, 5)
			expectEvents(t, c, seen, false)
			c.Close()

			missed := publishPositions(t, log, 5, 10)
			if tt.newRelay {
				r = startRelay(t, log, relay.Options{})
			}
			url, header := eventsURL(r.url, arena.ChannelPositions), resumeHeader(seen[4].ID)
			if tt.query {
				url, header = url+"?lastEventId="+seen[4].ID, nil
			}
			c2 := dial(t, url, header)
			expectEvents(t, c2, missed, false)
			c2.quiet(t, 100*time.Millisecond)
			live := publishPositions(t, log, 15, 3)
			expectEvents(t, c2, live, false)
		})
	}
}

func TestResumeFromOutsideTheWindowGetsResetAndSnapshot(t *testing.T) {
	log, _ := newLog(t, redis.EventLogOptions{MaxLen: 5})
	r := startRelay(t, log, relay.Options{ClientBuffer: 4})
	seen := publishPositions(t, log, 0, 1)
	publishPositions(t, log, 1, 20)

	c := dial(t, eventsURL(r.url, arena.ChannelPositions), resumeHeader(seen[0].ID))
	reset := c.next(t)
	var body struct{ Reason, LastEventID string }
	_ = json.Unmarshal([]byte(reset.Data), &body)
	if reset.Event != "reset" || reset.HasID || body.LastEventID != seen[0].ID {
		t.Errorf("first event %+v, want a reset naming %s", reset, seen[0].ID)
	}
	snap := c.next(t)
	if snap.Data != `[{"n":20}]` {
		t.Errorf("after reset: %+v, want the current snapshot", snap)
	}
	live := publishPositions(t, log, 21, 2)
	expectEvents(t, c, live, false)

	// An ID that was never assigned is treated the same way.
	c2 := dial(t, eventsURL(r.url, arena.ChannelPositions), resumeHeader("123-4"))
	if b := c2.next(t); b.Event != "reset" {
		t.Errorf("unknown id: first event %+v, want reset", b)
	}
}

func TestTwoRelaysDeliverTheSameEventsWithTheSameIDs(t *testing.T) {
	log, prefix := newLog(t, redis.EventLogOptions{})
	rdb2, _ := testenv.Redis(t)
	log2 := redis.NewEventLog(rdb2, redis.EventLogOptions{Prefix: prefix, Logger: quiet})
	a := startRelay(t, log, relay.Options{})
	b := startRelay(t, log2, relay.Options{})

	ca := dial(t, eventsURL(a.url, arena.ChannelPositions), nil)
	cb := dial(t, eventsURL(b.url, arena.ChannelPositions), nil)
	ca.next(t)
	cb.next(t)
	evs := publishPositions(t, log, 0, 20)
	expectEvents(t, ca, evs[:10], false)
	expectEvents(t, cb, evs, false)

	// A client moving from relay a to relay b resumes where it left off.
	ca.Close()
	moved := dial(t, eventsURL(b.url, arena.ChannelPositions), resumeHeader(evs[9].ID))
	expectEvents(t, moved, evs[10:], false)
}

func TestRelayRestartLosesNothingAReconnectingClientAsksFor(t *testing.T) {
	log, _ := newLog(t, redis.EventLogOptions{})
	a := startRelay(t, log, relay.Options{})
	c := dial(t, eventsURL(a.url, arena.ChannelPositions), nil)
	c.next(t)
	seen := publishPositions(t, log, 0, 5)
	expectEvents(t, c, seen, false)

	a.stop()
	bye := c.next(t)
	if bye.Event != "reconnect" || bye.Retry == "" {
		t.Errorf("on shutdown: %+v, want a reconnect event with a retry hint", bye)
	}
	c.waitClosed(t, 5*time.Second)

	missed := publishPositions(t, log, 5, 10) // while no relay runs
	b := startRelay(t, log, relay.Options{})
	c2 := dial(t, eventsURL(b.url, arena.ChannelPositions), resumeHeader(seen[4].ID))
	expectEvents(t, c2, missed, false)
}

func TestRedisOutageIsSurvivedWithoutLosingEvents(t *testing.T) {
	direct, prefix := newLog(t, fastLog)
	ropts, err := goredis.ParseURL(testenv.RedisURL())
	if err != nil {
		t.Fatal(err)
	}
	p := testenv.NewProxy(t, ropts.Addr)
	ropts.Addr, ropts.MaxRetries = p.Addr(), 0
	ropts.DialTimeout, ropts.ReadTimeout, ropts.WriteTimeout = time.Second, time.Second, time.Second
	rdb := goredis.NewClient(ropts)
	t.Cleanup(func() { _ = rdb.Close() })
	opts := fastLog
	opts.Prefix, opts.Logger = prefix, quiet
	r := startRelay(t, redis.NewEventLog(rdb, opts), relay.Options{})

	c := dial(t, eventsURL(r.url, arena.ChannelPositions), nil)
	c.next(t)
	before := publishPositions(t, direct, 0, 3)
	expectEvents(t, c, before, false)

	p.Cut()
	during := publishPositions(t, direct, 3, 10)
	time.Sleep(300 * time.Millisecond) // the relay's subscription fails and retries meanwhile
	p.Restore()
	after := publishPositions(t, direct, 13, 3)
	expectEvents(t, c, append(during, after...), false)
}

func TestEventsFromManyPublishersArriveInIDOrder(t *testing.T) {
	log, _ := newLog(t, redis.EventLogOptions{})
	r := startRelay(t, log, relay.Options{})
	c := dial(t, eventsURL(r.url, arena.ChannelTrades), nil)
	c.next(t)

	const publishers, each = 4, 25
	errs := make(chan error, publishers)
	for p := range publishers {
		go func() {
			ctx := t.Context()
			for i := range each {
				if _, err := log.Publish(ctx, arena.ChannelTrades, arena.EventTradesUpdated, fmt.Sprintf("%d/%d", p, i)); err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range publishers {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	history, _, err := log.Since(testenv.Context(t, 5*time.Second), arena.ChannelTrades, arena.EventIDZero, 0)
	if err != nil || len(history) != publishers*each {
		t.Fatalf("history: %d events, %v", len(history), err)
	}
	expectEvents(t, c, history, false)
}

// TestClientConnectedBeforeTheSubscriptionMissesNothing covers the window
// between a client's snapshot and the subscription's start: the
// subscription's position mark tells the client to read the gap from Redis.
func TestClientConnectedBeforeTheSubscriptionMissesNothing(t *testing.T) {
	log, _ := newLog(t, redis.EventLogOptions{})
	first := publishPositions(t, log, 0, 1)
	srv := relay.New(log, relay.Options{Logger: quiet})
	hs := httptest.NewServer(srv.Handler())
	c := dial(t, eventsURL(hs.URL, arena.ChannelPositions), nil)
	if snap := c.next(t); snap.ID != first[0].ID {
		t.Fatalf("snapshot %+v", snap)
	}
	gap := publishPositions(t, log, 1, 3) // no subscription yet: nobody relays these live

	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	t.Cleanup(func() {
		sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer scancel()
		_ = srv.Shutdown(sctx)
		hs.Close()
		cancel()
		<-done
	})
	expectEvents(t, c, gap, false)
	live := publishPositions(t, log, 4, 2)
	expectEvents(t, c, live, false)
}
