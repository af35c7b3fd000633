package relay

import (
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

func (s *Server) serveEvents(w http.ResponseWriter, r *http.Request) {
	h := s.hubs[arena.Channel(r.PathValue("channel"))]
	if h == nil {
		http.Error(w, "unknown event channel", http.StatusNotFound)
		return
	}
	if !s.cors.apply(w, r) {
		http.Error(w, "origin not allowed", http.StatusForbidden)
		return
	}
	if !s.access.authorized(r) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="events"`)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	addr := s.opts.ClientAddr.Addr(r)
	if status, ok := s.admit.admit(addr); !ok {
		s.rejected.Add(1)
		w.Header().Set("Retry-After", strconv.Itoa(max(1, int(s.opts.Retry.Seconds()))))
		http.Error(w, "too many event streams", status)
		return
	}
	if !s.enter() {
		s.admit.release(addr)
		http.Error(w, "relay shutting down", http.StatusServiceUnavailable)
		return
	}
	sk, header, err := openSink(w, s.opts.PlainStreams)
	if err != nil {
		s.admit.release(addr)
		s.leave()
		s.opts.Logger.Warn("open event stream", "addr", addr, "err", err)
		return
	}
	c := &client{s: s, hub: h, sink: sk, addr: addr, named: h.named || r.URL.Query().Get("named") == "1"}
	var gone <-chan struct{}
	if !sk.detached() {
		c.wake, gone = make(chan struct{}, 1), r.Context().Done()
	}
	resume := resumeID(r)
	c.s.counters.streams.Add(1)
	if resume != "" {
		c.s.counters.resumed.Add(1)
	}
	c.serve(gone, resume, header)
}

// openSink takes the connection over (HTTP/1.1) and returns the response
// header to write first, or, where that is not possible (HTTP/2) or plain
// is set, streams through the ResponseWriter.
func openSink(w http.ResponseWriter, plain bool) (sink, []byte, error) {
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	rc := http.NewResponseController(w)
	var conn net.Conn
	var err error = http.ErrNotSupported
	if !plain {
		conn, _, err = rc.Hijack() // bytes the client sent after its request are not needed
	}
	if errors.Is(err, http.ErrNotSupported) {
		_ = rc.SetReadDeadline(time.Time{}) // the server's ReadTimeout would end the stream
		w.WriteHeader(http.StatusOK)
		return &responseSink{w: w, rc: rc}, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	sk, err := newConnSink(conn)
	if err != nil {
		_ = conn.Close()
		return nil, nil, err
	}
	// The body runs until the connection closes: no chunked framing to pay
	// for on every event.
	h.Set("Connection", "close")
	b := []byte("HTTP/1.1 200 OK\r\n")
	b = appendHeader(b, h)
	return sk, append(b, '\r', '\n'), nil
}

func appendHeader(b []byte, h http.Header) []byte {
	for k, vs := range h {
		for _, v := range vs {
			b = append(b, k...)
			b = append(b, ": "...)
			b = append(b, v...)
			b = append(b, '\r', '\n')
		}
	}
	return b
}

// resumeID is the client's Last-Event-ID (header, or ?lastEventId= for
// clients that cannot set it); "" when absent or malformed.
func resumeID(r *http.Request) string {
	id := r.Header.Get("Last-Event-ID")
	if id == "" {
		id = r.URL.Query().Get("lastEventId")
	}
	if _, _, ok := arena.ParseEventID(id); !ok {
		return ""
	}
	return id
}

// serve starts the stream on the handler goroutine: register, send the retry
// hint and the snapshot or missed events, then catch up with the ring. A
// detached stream is then handed to its shard and the handler returns; any
// other runs here until it ends.
func (c *client) serve(gone <-chan struct{}, resume string, header []byte) {
	c.slow.Store(true) // this goroutine serves it until it has caught up
	c.beat = c.s.beat.Load()
	c.probed = c.s.probes.Load()
	inRing := c.hub.register(c, resume)
	c.out = append(c.out, header...)
	c.out = append(appendRetry(c.out, c.s.opts.Retry), '\n')
	if c.hub.channel == arena.ChannelWorkflow {
		c.out = appendEvent(c.out, "", typeConnected, connectedData())
	}
	if err := c.start(resume, inRing); err != nil {
		c.finish(err)
		return
	}
	c.serveSlow(gone)
}

func connectedData() []byte {
	b, _ := json.Marshal(struct {
		Type      string `json:"type"`
		Timestamp string `json:"timestamp"`
	}{typeConnected, time.Now().UTC().Format(time.RFC3339Nano)})
	return b
}
