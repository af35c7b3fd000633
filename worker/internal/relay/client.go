package relay

import (
	"errors"
	"os"
	"sync/atomic"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

// readBatch is how many ring frames are copied per lock.
const readBatch = 32

var (
	errLagging  = errors.New("client fell too far behind")
	errResyncs  = errors.New("history moved during resync")
	errShutdown = errors.New("relay shutting down")
	errGone     = errors.New("client closed the connection")
)

// client is one event stream. It is served either in fast mode, by its
// shard's writer with non-blocking writes, or in slow mode, by a goroutine of
// its own with blocking writes under a deadline: while it starts, after a
// write that did not fit its socket, and when it must read missed events from
// Redis. slow says which; only the current server touches the fields below it,
// and a hand-over (a go statement, or an atomic store and a wake-up) orders
// their accesses.
type client struct {
	s     *Server
	hub   *hub
	shard *shard
	sink  sink
	addr  string
	named bool
	slow  atomic.Bool
	wake  chan struct{} // sinks that are not detached: the shard wakes the handler goroutine

	pos     string // ID of the last event sent (or reflected by the snapshot sent)
	cursor  uint64 // next ring sequence to send
	beat    uint64 // heartbeat generation sent
	probed  uint64 // probe generation done
	pending []byte // bytes a non-blocking write left over
	out     []byte // slow mode: bytes to write
	done    bool
}

// serveFast sends the client's new frames with one non-blocking write, using
// frames and buf as scratch; it returns buf for reuse and how many events it
// wrote. It runs on the shard writer and never blocks.
func (c *client) serveFast(frames []*frame, buf []byte) (_ []byte, events int) {
	if c.slow.Load() {
		if c.wake != nil {
			notify(c.wake)
		}
		return buf, 0
	}
	if c.s.shutdown.Load() {
		_, _ = c.sink.tryWrite(goodbye(c.s.opts.Retry))
		c.finish(errShutdown)
		return buf, 0
	}
	if g := c.s.probes.Load(); g != c.probed {
		c.probed = g
		if c.sink.probe() {
			c.finish(errGone)
			return buf, 0
		}
	}
	b := buf
	if beat := c.s.beat.Load(); beat != c.beat {
		c.beat = beat
		b = append(b, heartbeat...)
	}
	for {
		start := c.cursor
		n, next, lost := c.hub.read(start, frames)
		if lost {
			c.finish(errLagging)
			return b[:0], 0
		}
		for i, f := range frames[:n] {
			if f.kind == frameEvent && f.prev == c.pos { // the usual case: the next event
				b = append(b, f.bytes(c.named)...)
				c.pos = f.id
				events++
				continue
			}
			if f.kind != frameReset && arena.CompareEventIDs(f.id, c.pos) <= 0 {
				continue // already sent
			}
			// A gap, a position mark ahead of the client or a reset: history
			// from Redis is needed, which blocks. Continue in slow mode.
			c.cursor = start + uint64(i)
			c.pending = append(c.pending[:0], b...)
			c.goSlow()
			return b[:0], events // written from pending by the slow path
		}
		c.cursor = next
		if n < len(frames) {
			break
		}
	}
	if len(b) == 0 {
		return b, 0
	}
	n, err := c.sink.tryWrite(b)
	switch {
	case err == nil:
	case errors.Is(err, errWouldBlock):
		c.pending = append(c.pending[:0], b[n:]...)
		c.goSlow()
	default:
		c.finish(err)
		return b[:0], 0
	}
	return b[:0], events
}

func notify(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

func (c *client) goSlow() {
	c.slow.Store(true)
	go c.serveSlow(nil)
}

// serveSlow serves the client from its own goroutine until it has caught up
// with the ring, then hands it back to its shard (detached sinks) or waits
// for more (others, until gone is closed).
func (c *client) serveSlow(gone <-chan struct{}) {
	for {
		if err := c.catchUpSlow(); err != nil {
			c.finish(err)
			return
		}
		if c.sink.detached() {
			c.out = nil // fast clients keep no buffers
			c.pending = nil
			c.slow.Store(false)
			c.shard.notify() // frames may have arrived since the last read
			return
		}
		select {
		case <-c.wake:
		case <-gone:
			c.finish(errGone)
			return
		}
	}
}

// catchUpSlow writes, blocking, what is pending, a heartbeat if one is due,
// and every ring frame after the cursor.
func (c *client) catchUpSlow() error {
	if c.s.shutdown.Load() {
		c.out = append(c.out[:0], goodbye(c.s.opts.Retry)...)
		_ = c.sink.write(c.out, time.Now().Add(min(c.s.opts.WriteTimeout, time.Second)))
		return errShutdown
	}
	c.out = append(c.out, c.pending...)
	c.pending = c.pending[:0]
	if beat := c.s.beat.Load(); beat != c.beat {
		c.beat = beat
		c.out = append(c.out, heartbeat...)
	}
	var frames [readBatch]*frame
	for {
		n, next, lost := c.hub.read(c.cursor, frames[:])
		if lost {
			return errLagging
		}
		for _, f := range frames[:n] {
			if err := c.apply(f); err != nil {
				return err
			}
		}
		c.cursor = next
		if err := c.flush(); err != nil {
			return err
		}
		if n < readBatch {
			return nil
		}
	}
}

// apply queues a ring frame unless the client already has it, filling any gap
// between the client's position and the frame from Redis first.
func (c *client) apply(f *frame) error {
	switch {
	case f.kind == frameReset:
		return c.catchUp()
	case arena.CompareEventIDs(f.id, c.pos) <= 0:
		return nil
	case f.kind == frameMark:
		return c.catchUp()
	}
	if f.prev != c.pos && arena.CompareEventIDs(f.prev, c.pos) > 0 {
		if err := c.catchUp(); err != nil {
			return err
		}
		if arena.CompareEventIDs(f.id, c.pos) <= 0 {
			return nil
		}
	}
	c.out = append(c.out, f.bytes(c.named)...)
	c.pos = f.id
	c.s.counters.slowOut.Add(1)
	return nil
}

// flush writes the queued bytes, blocking until WriteTimeout.
func (c *client) flush() error {
	if len(c.out) == 0 {
		return nil
	}
	err := c.sink.write(c.out, time.Now().Add(c.s.opts.WriteTimeout))
	c.out = c.out[:0]
	return err
}

// finish ends the stream. Only the client's current server calls it.
func (c *client) finish(err error) {
	if c.done {
		return
	}
	c.done = true
	c.slow.Store(true) // the shard skips it from now on
	c.shard.remove(c)
	c.sink.close()
	c.s.admit.release(c.addr)
	c.s.leave()
	log := c.s.opts.Logger
	switch {
	case errors.Is(err, errLagging), errors.Is(err, os.ErrDeadlineExceeded):
		c.s.evicted.Add(1)
		log.Info("slow event client disconnected", "channel", c.hub.channel, "addr", c.addr, "err", err)
	case err != nil && !errors.Is(err, errShutdown) && !errors.Is(err, errGone):
		log.Debug("event stream ended", "channel", c.hub.channel, "addr", c.addr, "err", err)
	}
}

// goodbye asks a client to reconnect after a short random delay, spreading the
// reconnections of a relay's clients over the other relays.
func goodbye(retry time.Duration) []byte {
	b := appendRetry(nil, 100*time.Millisecond+randN(retry))
	return appendEvent(b, "", typeReconnect, []byte(`{"reason":"shutdown"}`))
}
