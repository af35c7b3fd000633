package lighter

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/marketdata"
)

const wait = 5 * time.Second // bound on any single expectation; tests finish far sooner

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// restVenue serves REST fixtures by path and counts requests.
type restVenue struct {
	mu     sync.Mutex
	routes map[string]func(w http.ResponseWriter, r *http.Request)
	hits   map[string]int
	last   map[string]*http.Request
}

func newRESTVenue(t *testing.T) (*restVenue, *httptest.Server) {
	t.Helper()
	v := &restVenue{routes: map[string]func(http.ResponseWriter, *http.Request){}, hits: map[string]int{}, last: map[string]*http.Request{}}
	v.serve("/api/v1/orderBookDetails", http.StatusOK, fixture(t, "rest/orderBookDetails.json"))
	v.serve("/api/v1/candles", http.StatusOK, fixture(t, "rest/candles_btc_5m.json"))
	v.serve("/api/v1/fundings", http.StatusOK, fixture(t, "rest/fundings_btc.json"))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v.mu.Lock()
		v.hits[r.URL.Path]++
		v.last[r.URL.Path] = r
		h := v.routes[r.URL.Path]
		v.mu.Unlock()
		if h == nil {
			http.NotFound(w, r)
			return
		}
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	return v, srv
}

func (v *restVenue) serve(path string, status int, body []byte) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.routes[path] = func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.Write(body)
	}
}

func (v *restVenue) count(path string) int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.hits[path]
}

func (v *restVenue) query(path string) map[string]string {
	v.mu.Lock()
	defer v.mu.Unlock()
	out := map[string]string{}
	for k, vs := range v.last[path].URL.Query() {
		out[k] = vs[0]
	}
	return out
}

// wsVenue is a scripted stand-in for the stream: each connection is handed
// to the test, which reads what the client sent and sends fixtures back.
type wsVenue struct {
	t     *testing.T
	conns chan *venueConn
}

type venueConn struct {
	t    *testing.T
	conn *websocket.Conn
	in   chan outbound
	done chan struct{}
}

func newWSVenue(t *testing.T) (*wsVenue, string) {
	t.Helper()
	v := &wsVenue{t: t, conns: make(chan *venueConn, 8)}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		vc := &venueConn{t: t, conn: c, in: make(chan outbound, 64), done: make(chan struct{})}
		go func() {
			defer close(vc.in)
			for {
				_, b, err := c.Read(r.Context())
				if err != nil {
					return
				}
				var m outbound
				if json.Unmarshal(b, &m) == nil {
					vc.in <- m
				}
			}
		}()
		v.conns <- vc
		select {
		case <-vc.done:
		case <-r.Context().Done():
		}
		c.CloseNow()
	}))
	t.Cleanup(srv.Close)
	return v, "ws" + strings.TrimPrefix(srv.URL, "http") + "/stream"
}

// accept waits for the client's next connection.
func (v *wsVenue) accept() *venueConn {
	v.t.Helper()
	select {
	case c := <-v.conns:
		return c
	case <-time.After(wait):
		v.t.Fatal("client did not connect")
		return nil
	}
}

func (c *venueConn) send(fixtureName string) {
	c.t.Helper()
	c.sendRaw(fixture(c.t, fixtureName))
}

func (c *venueConn) sendRaw(b []byte) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := c.conn.Write(ctx, websocket.MessageText, b); err != nil {
		c.t.Fatalf("venue send: %v", err)
	}
}

// expect waits for the client to send typ on channel, skipping pings.
func (c *venueConn) expect(typ, channel string) {
	c.t.Helper()
	timeout := time.After(wait)
	for {
		select {
		case m, ok := <-c.in:
			if !ok {
				c.t.Fatalf("connection closed while waiting for %s %s", typ, channel)
			}
			if m.Type == msgPing && typ != msgPing {
				continue
			}
			if m.Type != typ || m.Channel != channel {
				c.t.Fatalf("client sent %s %s, want %s %s", m.Type, m.Channel, typ, channel)
			}
			return
		case <-timeout:
			c.t.Fatalf("client did not send %s %s", typ, channel)
		}
	}
}

// expectSubscriptions waits for the subscriptions of the given market ids,
// in any order.
func (c *venueConn) expectSubscriptions(ids ...string) {
	c.t.Helper()
	want := map[string]bool{}
	for _, id := range ids {
		for _, ch := range []string{"order_book/", "trade/", "market_stats/"} {
			want[ch+id] = true
		}
	}
	timeout := time.After(wait)
	for len(want) > 0 {
		select {
		case m, ok := <-c.in:
			if !ok {
				c.t.Fatal("connection closed during subscription")
			}
			if m.Type == "subscribe" && want[m.Channel] {
				delete(want, m.Channel)
			} else if m.Type != msgPing {
				c.t.Fatalf("unexpected %s %s while subscribing", m.Type, m.Channel)
			}
		case <-timeout:
			c.t.Fatalf("missing subscriptions %v", want)
		}
	}
}

// drop closes the connection from the venue's side.
func (c *venueConn) drop() { close(c.done) }

// chanSink hands messages to the test.
type chanSink chan marketdata.Message

func (s chanSink) sink() marketdata.Sink {
	return marketdata.SinkFunc(func(ctx context.Context, m marketdata.Message) error {
		select {
		case s <- m:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
}

func (s chanSink) next(t *testing.T) marketdata.Message {
	t.Helper()
	select {
	case m := <-s:
		return m
	case <-time.After(wait):
		t.Fatal("no message from the feed")
		return marketdata.Message{}
	}
}

// none checks that nothing arrives for a short while.
func (s chanSink) none(t *testing.T) {
	t.Helper()
	select {
	case m := <-s:
		t.Fatalf("unexpected %s %+v", m.Kind, m)
	case <-time.After(100 * time.Millisecond):
	}
}

func testConfig(restURL, streamURL string) Config {
	return Config{
		BaseURL: restURL, StreamURL: streamURL, Symbols: []arena.Symbol{"BTC"},
		RequestsPerMinute: 6000, MinBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond,
		PingInterval: time.Hour, ReadTimeout: time.Hour, ResyncTimeout: time.Hour,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
}

func newTestFeed(t *testing.T, cfg Config) *Feed {
	t.Helper()
	f, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// running is a feed running in the background until the test ends.
type running struct {
	done chan struct{}
	err  error
}

func runFeed(t *testing.T, f *Feed, sink marketdata.Sink) *running {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{done: make(chan struct{})}
	go func() {
		defer close(r.done)
		r.err = f.Run(ctx, sink)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-r.done:
		case <-time.After(wait):
			t.Error("feed did not stop")
		}
	})
	return r
}

// result waits for Run to return.
func (r *running) result(t *testing.T) error {
	t.Helper()
	select {
	case <-r.done:
		return r.err
	case <-time.After(wait):
		t.Fatal("feed did not return")
		return nil
	}
}

func fx(s string) arena.Fixed { return arena.MustFixed(s) }
