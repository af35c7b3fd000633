package exchange

import (
	"sync"

	"github.com/autonome-go/autonome/shared/arena"
)

// Recorder is a Sink that keeps a copy of every batch in memory: for tests,
// replays and ledger checks, or as the hand-off to a persistence writer
// that drains it.
type Recorder struct {
	mu      sync.Mutex
	batches []arena.Batch
	ready   chan struct{}
}

// NewRecorder returns an empty recorder.
func NewRecorder() *Recorder {
	return &Recorder{ready: make(chan struct{}, 1)}
}

// Publish implements Sink.
func (r *Recorder) Publish(b *arena.Batch) {
	c := b.Clone()
	r.mu.Lock()
	r.batches = append(r.batches, c)
	r.mu.Unlock()
	select {
	case r.ready <- struct{}{}:
	default:
	}
}

// Ready is signalled (coalesced) when batches have arrived since the last
// signal.
func (r *Recorder) Ready() <-chan struct{} { return r.ready }

// Batches returns a copy of the batches recorded so far.
func (r *Recorder) Batches() []arena.Batch {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]arena.Batch(nil), r.batches...)
}

// Drain returns and forgets the batches recorded so far.
func (r *Recorder) Drain() []arena.Batch {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.batches
	r.batches = nil
	return out
}
