package relay

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"
	"golang.org/x/sync/singleflight"

	"github.com/autonome-go/autonome/shared/arena"
)

// Log is what the relay needs from the event log (shared/redis.EventLog).
type Log interface {
	// State returns a channel's snapshot and the ID of the last event it reflects.
	State(ctx context.Context, ch arena.Channel) (json.RawMessage, string, error)
	// Since returns events after afterID; ok is false when afterID is outside the history.
	Since(ctx context.Context, ch arena.Channel, afterID string, limit int) ([]arena.Event, bool, error)
	// Follow delivers live, gap-free batches until ctx is done.
	Follow(ctx context.Context, chs []arena.Channel, deliver func(arena.EventBatch)) error
}

// Server is an SSE relay. Create it with New, serve Handler and run Run;
// cancelling Run's context (or calling Shutdown first, to bound the wait)
// ends every stream.
type Server struct {
	log    Log
	opts   Options
	hubs   map[arena.Channel]*hub
	cors   cors
	access access
	admit  *admission
	reads  singleflight.Group // coalesces identical Redis reads of many clients (mass reconnects)
	beat   atomic.Uint64      // heartbeat generation
	probes atomic.Uint64      // closed-connection probe generation

	unsynced map[arena.Channel]bool // channels the subscription has not reported yet; Run's goroutine only
	ready    chan struct{}          // closed when unsynced empties

	mu       sync.Mutex
	closed   bool          // no new streams; guarded by mu
	open     int           // streams entered and not left; guarded by mu
	drained  chan struct{} // closed once closed and open reaches 0
	shutdown atomic.Bool   // read by streams on every wake-up

	evicted, rejected atomic.Int64
	counters          counters
}

// Stats is a point-in-time view of a relay, for logs and load tests.
type Stats struct {
	Clients  int   // streams open now
	Evicted  int64 // clients disconnected for falling behind, since start
	Rejected int64 // requests refused by connection limits, since start
}

// readTimeout bounds a Redis read made on behalf of clients.
const readTimeout = 5 * time.Second

// New returns a relay over log. It starts nothing: Run does.
func New(log Log, opts Options) *Server {
	opts = opts.withDefaults()
	s := &Server{
		log: log, opts: opts, hubs: make(map[arena.Channel]*hub),
		cors: newCORS(opts.AllowedOrigins), access: newAccess(opts.Token),
		admit:    newAdmission(opts.MaxClients, opts.MaxClientsPerIP),
		unsynced: make(map[arena.Channel]bool), ready: make(chan struct{}),
		drained: make(chan struct{}), counters: newCounters(),
	}
	nshards := max(2, runtime.GOMAXPROCS(0))
	for _, ch := range arena.Channels() {
		h := newHub(s, ch, ch == arena.ChannelWorkflow, nshards)
		s.hubs[ch] = h
		s.unsynced[ch] = true
	}
	return s
}

// Handler serves GET (and CORS preflight OPTIONS) /api/events/{channel}.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/events/{channel}", s.serveEvents)
	mux.HandleFunc("OPTIONS /api/events/{channel}", s.cors.preflight)
	return mux
}

// Run follows the event log, sends heartbeats and runs the shard writers
// until ctx is done (or the subscription fails). It then ends every stream
// as Shutdown does, waiting at most drainTimeout for them, stops the
// writers and returns: nothing it started outlives it. Streams served
// before Run starts still get their snapshot or missed events; live events
// flow once it runs.
func (s *Server) Run(ctx context.Context) error {
	writers := make(chan struct{})
	var wg sync.WaitGroup
	for _, h := range s.hubs {
		for _, sh := range h.shards {
			wg.Go(func() { sh.run(writers) })
		}
	}
	defer func() {
		s.drain()
		close(writers)
		wg.Wait()
	}()
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return s.log.Follow(gctx, arena.Channels(), s.deliver) })
	g.Go(func() error { s.heartbeats(gctx); return nil })
	return g.Wait()
}

// drainTimeout bounds how long Run waits for streams to end once it stops:
// a stream ends within a write timeout of being told (a Redis read it is
// waiting on ends within readTimeout).
func (s *Server) drainTimeout() time.Duration { return s.opts.WriteTimeout + readTimeout }

// drain ends every stream, waiting at most drainTimeout.
func (s *Server) drain() {
	ctx, cancel := context.WithTimeout(context.Background(), s.drainTimeout())
	defer cancel()
	if err := s.Shutdown(ctx); err != nil {
		s.opts.Logger.Warn("relay stopped with streams still open", "err", err)
	}
}

// deliver is called by the subscription, from one goroutine.
func (s *Server) deliver(b arena.EventBatch) {
	h := s.hubs[b.Channel]
	if h == nil {
		return
	}
	h.publish(h.framesOf(b))
	if s.unsynced[b.Channel] {
		delete(s.unsynced, b.Channel)
		if len(s.unsynced) == 0 {
			close(s.ready)
		}
	}
}

// Ready is closed once Run's subscription follows every channel live: a
// readiness probe for the load balancer.
func (s *Server) Ready() <-chan struct{} { return s.ready }

// probeInterval is how often idle connections are checked for a client that
// hung up, which frees its connection slot (nothing reads a hijacked one).
const probeInterval = time.Second

func (s *Server) heartbeats(ctx context.Context) {
	beat := time.NewTicker(s.opts.Heartbeat)
	defer beat.Stop()
	probe := time.NewTicker(probeInterval)
	defer probe.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-beat.C:
			s.beat.Add(1)
		case <-probe.C:
			s.probes.Add(1)
		}
		for _, h := range s.hubs {
			h.wakeAll()
		}
	}
}

// Shutdown tells every client to reconnect (to another relay, after a short
// jittered delay, resuming by Last-Event-ID), ends their streams and refuses
// new ones. It returns when all streams have ended or when ctx is done; Run
// must still be running for streams its writers serve to end. Shut the
// http.Server down after it.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		s.shutdown.Store(true)
		if s.open == 0 {
			close(s.drained)
		}
	}
	s.mu.Unlock()
	for _, h := range s.hubs {
		h.wakeAll()
	}
	select {
	case <-s.drained:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("relay shutdown: streams still open: %w", ctx.Err())
	}
}

// enter registers a stream unless the relay is shutting down.
func (s *Server) enter() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.open++
	return true
}

// leave unregisters a stream that entered.
func (s *Server) leave() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.open--; s.open == 0 && s.closed {
		close(s.drained)
	}
}

// Stats reports current counters.
func (s *Server) Stats() Stats {
	s.admit.mu.Lock()
	n := s.admit.total
	s.admit.mu.Unlock()
	return Stats{Clients: n, Evicted: s.evicted.Load(), Rejected: s.rejected.Load()}
}

type stateResult struct {
	snapshot json.RawMessage
	lastID   string
}

// state reads a channel's snapshot, shared by every client asking at once.
func (s *Server) state(ch arena.Channel) (stateResult, error) {
	v, err, _ := s.reads.Do("state\x00"+string(ch), func() (any, error) {
		ctx, cancel := context.WithTimeout(context.Background(), readTimeout)
		defer cancel()
		snap, id, err := s.log.State(ctx, ch)
		return stateResult{snap, id}, err
	})
	if err != nil {
		return stateResult{}, err
	}
	return v.(stateResult), nil
}

type sinceResult struct {
	events []arena.Event
	ok     bool
}

// since reads history after an ID, shared by every client asking at once
// (after a relay restart, many clients resume from the same ID).
func (s *Server) since(ch arena.Channel, after string, limit int) (sinceResult, error) {
	v, err, _ := s.reads.Do("since\x00"+string(ch)+"\x00"+after, func() (any, error) {
		ctx, cancel := context.WithTimeout(context.Background(), readTimeout)
		defer cancel()
		evs, ok, err := s.log.Since(ctx, ch, after, limit)
		return sinceResult{evs, ok}, err
	})
	if err != nil {
		return sinceResult{}, err
	}
	return v.(sinceResult), nil
}
