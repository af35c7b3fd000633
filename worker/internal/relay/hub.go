package relay

import (
	"sync"

	"github.com/autonome-go/autonome/shared/arena"
)

// hub holds one channel's recent frames (a ring) and its clients, spread over
// shards. The subscription appends to the ring and wakes the shards; each
// shard's writer sends the new frames to its clients without blocking. No
// one ever waits for a client.
type hub struct {
	channel  arena.Channel
	named    bool // the channel's events are always sent named (workflow)
	shards   []*shard
	next     int // round-robin shard for the next client; guarded by mu
	maxBytes int

	mu     sync.RWMutex
	frames []*frame // ring: frame with sequence q is frames[q%len(frames)]
	head   uint64   // sequence of the next frame appended
	tail   uint64   // oldest sequence still held
	bytes  int
	last   string // ID of the newest event (or mark) appended; "" before any
}

func newHub(s *Server, ch arena.Channel, named bool, nshards int) *hub {
	h := &hub{
		channel: ch, named: named, maxBytes: s.opts.RingBytes,
		frames: make([]*frame, s.opts.ClientBuffer),
	}
	for range nshards {
		h.shards = append(h.shards, newShard(s))
	}
	return h
}

// publish appends frames and wakes the shards.
func (h *hub) publish(fs []*frame) {
	h.mu.Lock()
	for _, f := range fs {
		h.append(f)
	}
	h.mu.Unlock()
	h.wakeAll()
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

// register adds c to a shard and places it in the ring. If resumeID is an
// event still in the ring, the client continues right after it (no Redis read
// needed) and found is true; otherwise it starts at the ring's head.
func (h *hub) register(c *client, resumeID string) (found bool) {
	h.mu.Lock()
	c.shard = h.shards[h.next%len(h.shards)]
	h.next++
	c.cursor = h.head
	if resumeID != "" {
		for q := h.head; q > h.tail; q-- {
			f := h.frames[(q-1)%uint64(len(h.frames))]
			if f.kind == frameEvent && f.id == resumeID {
				c.cursor, found = q, true
				break
			}
		}
	}
	h.mu.Unlock()
	c.shard.add(c)
	return found
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

// wakeAll wakes every shard (new frames, heartbeats, probes, shutdown).
func (h *hub) wakeAll() {
	for _, sh := range h.shards {
		sh.notify()
	}
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
