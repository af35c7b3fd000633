package relay

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

// historyPage is how many missed events a stream reads from Redis at once.
const historyPage = 500

// readBatch is how many ring frames a stream copies per lock.
const readBatch = 32

var (
	errLagging  = errors.New("client fell too far behind")
	errResyncs  = errors.New("history moved during resync")
	errShutdown = errors.New("relay shutting down")
)

// stream is one client connection. Everything but the client's wake-up is
// owned by the handler goroutine.
type stream struct {
	s       *Server
	hub     *hub
	c       *client
	w       http.ResponseWriter
	rc      *http.ResponseController
	named   bool
	pos     string // ID of the last event sent (or reflected by the snapshot sent)
	beat    uint64
	renewAt time.Time // when deadline next moves the write deadline
	frames  [readBatch]*frame
}

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
	if !authorized(r, s.opts.Token) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="events"`)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	addr := clientAddr(r, s.opts.TrustForwardedFor)
	if status, ok := s.admit.admit(addr); !ok {
		s.rejected.Add(1)
		w.Header().Set("Retry-After", strconv.Itoa(max(1, int(s.opts.Retry.Seconds()))))
		http.Error(w, "too many event streams", status)
		return
	}
	defer s.admit.release(addr)
	if !s.enter() {
		http.Error(w, "relay shutting down", http.StatusServiceUnavailable)
		return
	}
	defer s.streams.Done()

	st := &stream{s: s, hub: h, c: newClient(), w: w, rc: http.NewResponseController(w), beat: s.beat.Load()}
	st.named = h.named || r.URL.Query().Get("named") == "1"
	err := st.run(r.Context(), resumeID(r))
	switch {
	case errors.Is(err, errLagging), errors.Is(err, os.ErrDeadlineExceeded):
		s.evicted.Add(1)
		s.opts.Logger.Info("slow event client disconnected", "channel", h.channel, "addr", addr)
	case err != nil && !errors.Is(err, errShutdown) && r.Context().Err() == nil:
		s.opts.Logger.Debug("event stream ended", "channel", h.channel, "addr", addr, "err", err)
	}
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

func (st *stream) run(ctx context.Context, resume string) error {
	h := st.w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")       // nginx: do not buffer the stream
	_ = st.rc.SetReadDeadline(time.Time{}) // the server's ReadTimeout would end the stream
	st.w.WriteHeader(http.StatusOK)

	cursor, inRing := st.hub.register(st.c, resume)
	defer st.hub.unregister(st.c)
	st.deadline()
	b := append(appendRetry(nil, st.s.opts.Retry), '\n')
	if st.hub.channel == arena.ChannelWorkflow {
		b = appendEvent(b, "", typeConnected, connectedData())
	}
	if err := st.write(b); err != nil {
		return err
	}
	if err := st.start(ctx, resume, inRing); err != nil {
		return err
	}
	if err := st.rc.Flush(); err != nil {
		return fmt.Errorf("flush: %w", err)
	}
	st.c.notify() // frames may already wait in the ring after cursor
	return st.loop(ctx, cursor)
}

func connectedData() []byte {
	b, _ := json.Marshal(struct {
		Type      string `json:"type"`
		Timestamp string `json:"timestamp"`
	}{typeConnected, time.Now().UTC().Format(time.RFC3339Nano)})
	return b
}

// start brings a new stream up to date: from the ring (nothing to send yet),
// from Redis history, or from the current snapshot.
func (st *stream) start(ctx context.Context, resume string, inRing bool) error {
	switch {
	case inRing:
		st.pos = resume
		return nil
	case resume != "":
		st.pos = resume
		return st.catchUp(ctx)
	}
	if err := st.snapshot(ctx); err != nil {
		return err
	}
	if st.pos == st.hub.lastID() {
		return nil
	}
	return st.catchUp(ctx)
}

// snapshot sends the channel's current state and moves to the event it reflects.
func (st *stream) snapshot(ctx context.Context) error {
	res, err := st.s.state(ctx, st.hub.channel)
	if err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	typ := ""
	if st.named && res.snapshot != nil {
		typ = typeSnapshot
	}
	st.pos = res.lastID
	return st.write(appendEvent(nil, res.lastID, typ, res.snapshot))
}

// catchUp sends every event after pos from Redis; when pos is outside the
// history it sends a reset event and the snapshot instead.
func (st *stream) catchUp(ctx context.Context) error {
	for resets := 0; ; {
		res, err := st.s.since(ctx, st.hub.channel, st.pos, historyPage)
		if err != nil {
			return fmt.Errorf("catch up: %w", err)
		}
		if !res.ok {
			if resets++; resets > 2 {
				return errResyncs
			}
			if err := st.reset(ctx); err != nil {
				return err
			}
			continue
		}
		for _, ev := range res.events {
			if arena.CompareEventIDs(ev.ID, st.pos) <= 0 {
				continue
			}
			typ := ""
			if st.named {
				typ = ev.Type
			}
			if err := st.write(appendEvent(nil, ev.ID, typ, ev.Data)); err != nil {
				return err
			}
			st.pos = ev.ID
		}
		if len(res.events) < historyPage {
			return nil
		}
		st.deadline()
	}
}

func (st *stream) reset(ctx context.Context) error {
	data, _ := json.Marshal(struct {
		Reason      string `json:"reason"`
		LastEventID string `json:"lastEventId"`
	}{"history", st.pos})
	if err := st.write(appendEvent(nil, "", typeReset, data)); err != nil {
		return err
	}
	return st.snapshot(ctx)
}

// loop sends live frames and heartbeats until the client leaves, is evicted
// or the relay shuts down.
func (st *stream) loop(ctx context.Context, cursor uint64) error {
	for {
		select {
		case <-st.c.wake:
		case <-ctx.Done():
			return nil
		}
		if st.s.shutdown.Load() {
			return st.goodbye()
		}
		st.deadline()
		if beat := st.s.beat.Load(); beat != st.beat {
			st.beat = beat
			if err := st.write(heartbeat); err != nil {
				return err
			}
		}
		var err error
		if cursor, err = st.drain(ctx, cursor); err != nil {
			return err
		}
		if err := st.rc.Flush(); err != nil {
			return fmt.Errorf("flush: %w", err)
		}
	}
}

// drain sends every ring frame from cursor on.
func (st *stream) drain(ctx context.Context, cursor uint64) (uint64, error) {
	for {
		n, next, lost := st.hub.read(cursor, st.frames[:])
		if lost {
			return cursor, errLagging
		}
		for _, f := range st.frames[:n] {
			if err := st.apply(ctx, f); err != nil {
				return cursor, err
			}
		}
		clear(st.frames[:n])
		cursor = next
		if n < readBatch {
			return cursor, nil
		}
	}
}

// apply sends a ring frame unless the client already has it, filling any gap
// between the client's position and the frame from Redis first.
func (st *stream) apply(ctx context.Context, f *frame) error {
	if f.kind == frameEvent && f.prev == st.pos { // the usual case: the next event
		if err := st.write(f.bytes(st.named)); err != nil {
			return err
		}
		st.pos = f.id
		return nil
	}
	switch {
	case f.kind == frameReset:
		return st.catchUp(ctx)
	case arena.CompareEventIDs(f.id, st.pos) <= 0:
		return nil
	case f.kind == frameMark:
		return st.catchUp(ctx)
	}
	if f.prev != st.pos && arena.CompareEventIDs(f.prev, st.pos) > 0 {
		if err := st.catchUp(ctx); err != nil {
			return err
		}
		if arena.CompareEventIDs(f.id, st.pos) <= 0 {
			return nil
		}
	}
	if err := st.write(f.bytes(st.named)); err != nil {
		return err
	}
	st.pos = f.id
	return nil
}

// goodbye asks the client to reconnect after a short random delay, spreading
// the reconnections of a relay's clients over the other relays.
func (st *stream) goodbye() error {
	retry := 100*time.Millisecond + rand.N(st.s.opts.Retry)
	b := appendRetry(nil, retry)
	b = appendEvent(b, "", typeReconnect, []byte(`{"reason":"shutdown"}`))
	_ = st.rc.SetWriteDeadline(time.Now().Add(min(st.s.opts.WriteTimeout, time.Second)))
	if err := st.write(b); err == nil {
		_ = st.rc.Flush()
	}
	return errShutdown
}

// deadline makes sure the next writes must finish within WriteTimeout. The
// deadline is moved only once half of it has passed, so it always lies
// between WriteTimeout/2 and WriteTimeout ahead: resetting a connection's
// timer on every event costs the relay measurable CPU at 10 000 clients.
func (st *stream) deadline() {
	now := time.Now()
	if now.Before(st.renewAt) {
		return
	}
	st.renewAt = now.Add(st.s.opts.WriteTimeout / 2)
	_ = st.rc.SetWriteDeadline(now.Add(st.s.opts.WriteTimeout))
}

func (st *stream) write(b []byte) error {
	if _, err := st.w.Write(b); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	return nil
}
