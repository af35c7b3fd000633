package relay

import (
	"sync"
	"sync/atomic"
	"time"
)

// shard is a group of one channel's clients served by one writer goroutine.
// On every wake-up the writer gives each client in fast mode its new frames
// (and any heartbeat) in a single non-blocking write; a client that cannot
// take it, or needs history from Redis, is handed to a goroutine of its own
// (slow mode) until it has caught up. Several shards per channel let the
// writes of a broadcast run on every CPU.
type shard struct {
	s    *Server
	wake chan struct{} // capacity 1

	mu      sync.Mutex
	clients map[*client]struct{}

	written atomic.Uint64 // events written by this shard's writer, for metrics

	// Writer goroutine only.
	list   []*client
	frames [readBatch]*frame
	buf    []byte
}

func newShard(s *Server) *shard {
	return &shard{s: s, wake: make(chan struct{}, 1), clients: make(map[*client]struct{})}
}

func (sh *shard) notify() {
	select {
	case sh.wake <- struct{}{}:
	default:
	}
}

func (sh *shard) add(c *client) {
	sh.mu.Lock()
	sh.clients[c] = struct{}{}
	sh.mu.Unlock()
}

func (sh *shard) remove(c *client) {
	sh.mu.Lock()
	delete(sh.clients, c)
	sh.mu.Unlock()
}

// run serves the shard until stop is closed.
func (sh *shard) run(stop <-chan struct{}) {
	for {
		select {
		case <-sh.wake:
		case <-stop:
			return
		}
		sh.flush()
	}
}

// flush serves every client of the shard once.
func (sh *shard) flush() {
	sh.mu.Lock()
	sh.list = sh.list[:0]
	for c := range sh.clients {
		sh.list = append(sh.list, c)
	}
	sh.mu.Unlock()
	var newest string
	written := 0
	for i, c := range sh.list {
		var n int
		sh.buf, n = c.serveFast(sh.frames[:], sh.buf[:0])
		if n > 0 {
			written += n
			newest = c.pos
		}
		sh.list[i] = nil
	}
	clear(sh.frames[:])
	if written > 0 { // once per fan-out, not per client
		sh.written.Add(uint64(written))
		sh.s.counters.observeLag(newest, time.Now())
	}
}
