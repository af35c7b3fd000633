package relay

import (
	"sync"

	"github.com/autonome-go/autonome/shared/arena"
)

// hub holds one channel's recent frames and its clients. The subscription
// appends (publish) and wakes every client without waiting for any; each
// client's goroutine copies frames out (read) under the read lock and writes
// them outside it, so a slow client never holds up the others.
type hub struct {
	channel  arena.Channel
	named    bool // the channel's events are always sent named (workflow)
	maxCount int
	maxBytes int

	mu      sync.RWMutex
	frames  []*frame // ring: frame with sequence q is frames[q%len(frames)]
	head    uint64   // sequence of the next frame appended
	tail    uint64   // oldest sequence still held
	bytes   int
	last    string // ID of the newest event appended ("" before any)
	clients map[*client]struct{}
}

// client is what the hub knows of a stream: how to wake it.
type client struct {
	wake chan struct{} // capacity 1: "frames, a heartbeat or shutdown are waiting"
}

func newClient() *client { return &client{wake: make(chan struct{}, 1)} }

func (c *client) notify() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

func newHub(ch arena.Channel, named bool, maxCount, maxBytes int) *hub {
	return &hub{
		channel: ch, named: named, maxCount: maxCount, maxBytes: maxBytes,
		frames: make([]*frame, maxCount), clients: make(map[*client]struct{}),
	}
}

// publish appends frames and wakes every client.
func (h *hub) publish(fs []*frame) {
	h.mu.Lock()
	for _, f := range fs {
		h.append(f)
	}
	for c := range h.clients {
		c.notify()
	}
	h.mu.Unlock()
}

func (h *hub) append(f *frame) {
	if h.head-h.tail == uint64(len(h.frames)) {
		h.drop()
	}
	h.frames[h.head%uint64(len(h.frames))] = f
	h.head++
	h.bytes += f.size()
	for h.bytes > h.maxBytes && h.head-h.tail > 1 {
		h.drop()
	}
	if f.kind != frameReset {
		h.last = f.id
	}
}

func (h *hub) drop() {
	i := h.tail % uint64(len(h.frames))
	h.bytes -= h.frames[i].size()
	h.frames[i] = nil
	h.tail++
}

// register adds c. If resumeID is an event still in the ring, the client
// continues right after it (no Redis read needed) and found is true;
// otherwise it starts at the ring's head.
func (h *hub) register(c *client, resumeID string) (cursor uint64, found bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.clients[c] = struct{}{}
	if resumeID != "" {
		for q := h.head; q > h.tail; q-- {
			f := h.frames[(q-1)%uint64(len(h.frames))]
			if f.kind == frameEvent && f.id == resumeID {
				return q, true
			}
		}
	}
	return h.head, false
}

func (h *hub) unregister(c *client) {
	h.mu.Lock()
	delete(h.clients, c)
	h.mu.Unlock()
}

// read copies frames from cursor into buf and returns how many and the next
// cursor. lost reports that frames after cursor were already dropped: the
// client fell more than the ring's length behind.
func (h *hub) read(cursor uint64, buf []*frame) (n int, next uint64, lost bool) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	if cursor < h.tail {
		return 0, cursor, true
	}
	for q := cursor; q < h.head && n < len(buf); q++ {
		buf[n] = h.frames[q%uint64(len(h.frames))]
		n++
	}
	return n, cursor + uint64(n), false
}

// lastID returns the ID of the newest event the hub has seen.
func (h *hub) lastID() string {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.last
}

// wakeAll wakes every client (heartbeats, shutdown).
func (h *hub) wakeAll() {
	h.mu.RLock()
	for c := range h.clients {
		c.notify()
	}
	h.mu.RUnlock()
}

func (h *hub) count() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.clients)
}

// framesOf encodes a batch from the event log, once for every client.
func (h *hub) framesOf(b arena.EventBatch) []*frame {
	switch {
	case b.Reset:
		return []*frame{{kind: frameReset, id: b.Prev, prev: b.Prev}}
	case len(b.Events) == 0:
		return []*frame{{kind: frameMark, id: b.Prev, prev: b.Prev}}
	}
	fs := make([]*frame, len(b.Events))
	prev := b.Prev
	for i, ev := range b.Events {
		f := &frame{id: ev.ID, prev: prev, named: appendEvent(nil, ev.ID, ev.Type, ev.Data)}
		if !h.named {
			f.plain = appendEvent(nil, ev.ID, "", ev.Data)
		}
		fs[i] = f
		prev = ev.ID
	}
	return fs
}
