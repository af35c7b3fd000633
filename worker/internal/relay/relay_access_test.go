package relay_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/clientaddr"
	"github.com/autonome-go/autonome/shared/redis"
	"github.com/autonome-go/autonome/shared/testenv"
	"github.com/autonome-go/autonome/worker/internal/relay"
)

func status(t *testing.T, method, url string, header http.Header) (int, http.Header) {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	resp, err := http.DefaultClient.Do(req.WithContext(ctx))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header
}

func TestAccessControl(t *testing.T) {
	log, _ := newLog(t, redis.EventLogOptions{})
	r := startRelay(t, log, relay.Options{AllowedOrigins: []string{"https://arena.example.com"}, Token: "s3cret"})
	url := eventsURL(r.url, arena.ChannelTrades)
	auth := func(h http.Header) http.Header { h.Set("Authorization", "Bearer s3cret"); return h }

	tests := []struct {
		name   string
		method string
		url    string
		header http.Header
		want   int
	}{
		{"no token", "GET", url, http.Header{}, http.StatusUnauthorized},
		{"wrong token", "GET", url, http.Header{"Authorization": {"Bearer nope"}}, http.StatusUnauthorized},
		{"substring origin", "GET", url, auth(http.Header{"Origin": {"https://evil-arena.example.com"}}), http.StatusForbidden},
		{"suffix origin", "GET", url, auth(http.Header{"Origin": {"https://arena.example.com.evil.net"}}), http.StatusForbidden},
		{"unknown channel", "GET", r.url + "/api/events/secrets", auth(http.Header{}), http.StatusNotFound},
		{"preflight allowed", "OPTIONS", url, http.Header{"Origin": {"https://arena.example.com"}}, http.StatusNoContent},
		{"preflight refused", "OPTIONS", url, http.Header{"Origin": {"https://localhost.evil.net"}}, http.StatusForbidden},
	}
	for _, tt := range tests {
		if got, _ := status(t, tt.method, tt.url, tt.header); got != tt.want {
			t.Errorf("%s: status %d, want %d", tt.name, got, tt.want)
		}
	}

	c := dial(t, url+"?token=s3cret", http.Header{"Origin": {"https://arena.example.com"}})
	if got := c.resp.Header.Get("Access-Control-Allow-Origin"); got != "https://arena.example.com" {
		t.Errorf("Access-Control-Allow-Origin = %q", got)
	}
	if got := c.resp.Header.Get("Access-Control-Allow-Credentials"); got != "true" {
		t.Errorf("Access-Control-Allow-Credentials = %q", got)
	}
}

func TestConnectionLimits(t *testing.T) {
	log, _ := newLog(t, redis.EventLogOptions{})
	r := startRelay(t, log, relay.Options{MaxClients: 3, MaxClientsPerIP: 2, ClientAddr: loopbackProxy(t)})
	url := eventsURL(r.url, arena.ChannelPrices)
	from := func(ip string) http.Header { return http.Header{"X-Forwarded-For": {ip}} }

	a1 := dial(t, url, from("192.0.2.1"))
	dial(t, url, from("192.0.2.1"))
	if got, h := status(t, "GET", url, from("192.0.2.1")); got != http.StatusTooManyRequests || h.Get("Retry-After") == "" {
		t.Errorf("third stream from one address: %d (Retry-After %q), want 429 with Retry-After", got, h.Get("Retry-After"))
	}
	dial(t, url, from("192.0.2.2"))
	if got, _ := status(t, "GET", url, from("192.0.2.3")); got != http.StatusServiceUnavailable {
		t.Errorf("stream over the relay's limit: %d, want 503", got)
	}
	a1.Close()
	waitFor(t, func() bool { return r.srv.Stats().Clients == 2 })
	dial(t, url, from("192.0.2.3"))
	if s := r.srv.Stats(); s.Rejected != 2 {
		t.Errorf("Rejected = %d, want 2", s.Rejected)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	testenv.WaitFor(t, 10*time.Second, func() error {
		if !cond() {
			return errors.New("condition not met")
		}
		return nil
	})
}

func TestHeartbeatsAndShutdown(t *testing.T) {
	log, _ := newLog(t, redis.EventLogOptions{})
	r := startRelay(t, log, relay.Options{Heartbeat: 20 * time.Millisecond, Retry: time.Second})
	c := dial(t, eventsURL(r.url, arena.ChannelPortfolio), nil)
	c.next(t)
	for b := c.nextBlock(t); !b.Comment; b = c.nextBlock(t) {
		if b.HasID || b.Data != "" {
			t.Fatalf("unexpected event %+v", b)
		}
	}

	r.stop()
	bye := c.next(t)
	if bye.Event != "reconnect" || bye.Data != `{"reason":"shutdown"}` {
		t.Errorf("on shutdown: %+v", bye)
	}
	if ms := bye.Retry; ms == "" || len(ms) > 4 {
		t.Errorf("shutdown retry hint %q, want a short delay", ms)
	}
	c.waitClosed(t, 5*time.Second)
}

func TestShutdownRefusesNewStreams(t *testing.T) {
	log, _ := newLog(t, redis.EventLogOptions{})
	srv := relay.New(log, relay.Options{Logger: quiet})
	if err := srv.Shutdown(t.Context()); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", "/api/events/trades", nil)
	w := &recorder{header: http.Header{}}
	srv.Handler().ServeHTTP(w, req)
	if w.status != http.StatusServiceUnavailable {
		t.Errorf("status %d, want 503", w.status)
	}
}

type recorder struct {
	header http.Header
	status int
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) Write(b []byte) (int, error) { return len(b), nil }
func (r *recorder) WriteHeader(s int)           { r.status = s }

// TestSlowClientIsDisconnectedWithoutDelayingOthers opens a stream that never
// reads. Once the socket buffers fill, its writes block, and it is dropped by
// the write deadline or by falling out of the ring, while a reading client
// receives every event.
func TestSlowClientIsDisconnectedWithoutDelayingOthers(t *testing.T) {
	log, _ := newLog(t, redis.EventLogOptions{MaxLen: 500})
	// The slow client is given far longer than the reading one needs: if a
	// write to it held up the others, the reading client could not have all
	// its events before the slow one is evicted. (A wall-clock bound on the
	// reader failed on a loaded machine without telling anything.)
	r := startRelay(t, log, relay.Options{ClientBuffer: 256, WriteTimeout: 20 * time.Second,
		Logger: slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelInfo}))})
	url := eventsURL(r.url, arena.ChannelConversations)

	slow, err := net.Dial("tcp", strings.TrimPrefix(r.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	fmt.Fprintf(slow, "GET /api/events/conversations HTTP/1.1\r\nHost: relay\r\n\r\n")
	status, err := bufio.NewReader(slow).ReadString('\n')
	if err != nil || !strings.Contains(status, "200") {
		t.Fatalf("slow client: %q, %v", status, err)
	}
	fast := dial(t, url, nil)
	fast.next(t)
	waitFor(t, func() bool { return r.srv.Stats().Clients == 2 })

	big := strings.Repeat("x", 64<<10)
	ctx := testenv.Context(t, 30*time.Second)
	var published []arena.Event
	for i := range 200 { // 12.8 MB: more than loopback socket buffers hold
		ev, err := log.Publish(ctx, arena.ChannelConversations, arena.EventConversationsUpdated, map[string]any{"i": i, "pad": big})
		if err != nil {
			t.Fatal(err)
		}
		published = append(published, ev)
		time.Sleep(time.Millisecond) // a pace any reading client keeps up with, even under -race
	}
	expectEvents(t, fast, published, false)
	if s := r.srv.Stats(); s.Evicted != 0 {
		t.Errorf("the slow client was evicted (%+v) before the reading one had its events: held up by the slow one?", s)
	}
	testenv.WaitFor(t, 40*time.Second, func() error {
		if s := r.srv.Stats(); s.Clients != 1 || s.Evicted != 1 {
			return fmt.Errorf("the slow client not evicted at its write timeout: %+v", s)
		}
		return nil
	})

	// The relay closed the slow connection: draining it ends in EOF or a reset.
	_ = slow.SetReadDeadline(time.Now().Add(10 * time.Second))
	buf := make([]byte, 1<<20)
	for {
		if _, err := slow.Read(buf); err != nil {
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				t.Fatal("slow connection still open")
			}
			break
		}
	}
}

type tWriter struct{ t *testing.T }

func (w tWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}

// TestHTTP2StreamsThroughTheResponseWriter covers connections that cannot be
// taken over (HTTP/2): the stream keeps its handler goroutine and writes
// through the ResponseWriter, with the same events, heartbeats and shutdown.
func TestHTTP2StreamsThroughTheResponseWriter(t *testing.T) {
	log, _ := newLog(t, redis.EventLogOptions{})
	first := publishPositions(t, log, 0, 1)
	srv := relay.New(log, relay.Options{Logger: quiet, Heartbeat: 20 * time.Millisecond})
	hs := httptest.NewUnstartedServer(srv.Handler())
	hs.EnableHTTP2 = true
	hs.StartTLS()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done; hs.Close() })
	<-srv.Ready()

	c, code := tryDialWith(t, hs.Client(), eventsURL(hs.URL, arena.ChannelPositions), nil)
	if code != http.StatusOK || c.resp.ProtoMajor != 2 {
		t.Fatalf("status %d over %s, want 200 over HTTP/2", code, c.resp.Proto)
	}
	if snap := c.next(t); snap.ID != first[0].ID || snap.Data != `[{"n":0}]` {
		t.Errorf("snapshot %+v", snap)
	}
	live := publishPositions(t, log, 1, 20)
	expectEvents(t, c, live, false)
	for b := c.nextBlock(t); !b.Comment; b = c.nextBlock(t) {
	}

	sctx, scancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer scancel()
	if err := srv.Shutdown(sctx); err != nil {
		t.Fatal(err)
	}
	if bye := c.next(t); bye.Event != "reconnect" {
		t.Errorf("on shutdown: %+v", bye)
	}
	c.waitClosed(t, 5*time.Second)
}

// loopbackProxy trusts the test's own loopback connections as a proxy's.
func loopbackProxy(t *testing.T) *clientaddr.Resolver {
	t.Helper()
	r, err := clientaddr.New([]string{"127.0.0.0/8", "::1"})
	if err != nil {
		t.Fatal(err)
	}
	return r
}
