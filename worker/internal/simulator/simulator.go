// Package simulator makes the pure exchange durable: it restores the
// exchange from PostgreSQL at start, feeds it market data and the clock,
// writes every batch of records the exchange emits in one transaction, in
// order, exactly once, and answers callers only after what they caused is
// persisted. If PostgreSQL is unavailable, batches wait in an outbox and are
// written when it returns; meanwhile new orders are refused, so nothing is
// acknowledged that a crash could lose. A crash loses at most the batches not
// yet written, and the restart rebuilds the state those batches did not
// touch: each batch balances on its own, so money never appears or vanishes.
package simulator

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/postgres"
	"github.com/autonome-go/autonome/worker/internal/exchange"
)

// maxOutbox bounds the batches waiting to be written while PostgreSQL
// answers (a burst of orders queues records faster than one connection
// writes them; that is a backlog, not an outage). Past it new orders are
// refused so memory stays bounded. While a write is failing, new orders are
// refused at once (auto-closes, funding and resting fills still happen and
// queue).
const maxOutbox = 10_000

// maxGroup bounds how many batches one transaction writes.
const maxGroup = 256

// Simulator is the durable exchange. Its methods are safe for concurrent use.
type Simulator struct {
	ex    *exchange.Exchange
	pool  *pgxpool.Pool
	log   *slog.Logger
	now   func() time.Time
	hooks []func(arena.Batch)
	stats *Metrics
	jour  Journal

	mu        sync.Mutex
	outbox    []arena.Batch
	emitted   uint64        // highest record seq the exchange emitted
	persisted uint64        // highest record seq written
	changed   chan struct{} // closed and replaced whenever persisted advances
	failing   bool
	wake      chan struct{}
}

// Options configure Open.
type Options struct {
	Exchange exchange.Config // Sink is set by Open
	Log      *slog.Logger
	Now      func() time.Time // defaults to time.Now
	// OnPersisted hooks run, in order, after each batch is written (on the
	// persisting goroutine: they must be quick and must not call back into
	// the Simulator's waiting methods).
	OnPersisted []func(arena.Batch)
	// Metrics, when set, count what the ledger records and time its writes.
	Metrics *Metrics
	// Journal, when set, records the state restored at Open, every input
	// of the exchange and a digest of every batch (see worker/internal/journal).
	Journal Journal
}

// Journal records the exchange's run: the state it starts from, its inputs
// (exchange.Journal) and its outputs. Every call is made under the
// exchange's lock, in order.
type Journal interface {
	exchange.Journal
	Begin(start arena.ExchangeState)
	Output(b *arena.Batch)
}

// Open restores the exchange from the database and opens an account for
// every "Accounts" row. The caller must hold the simulator leadership.
func Open(ctx context.Context, pool *pgxpool.Pool, o Options) (*Simulator, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	// The exchange's clock is wall time only: a monotonic reading would make
	// its comparisons differ from a replay of the journaled times.
	now := func() time.Time { return o.Now().Round(0) }
	s := &Simulator{pool: pool, log: o.Log, now: now, hooks: o.OnPersisted, stats: o.Metrics, jour: o.Journal,
		changed: make(chan struct{}), wake: make(chan struct{}, 1)}
	cfg := o.Exchange
	cfg.Sink = s
	cfg.Journal = o.Journal // a nil Journal stays a nil exchange.Journal
	ex, err := exchange.New(cfg)
	if err != nil {
		return nil, err
	}
	st, err := postgres.LoadState(ctx, pool)
	if err != nil {
		return nil, fmt.Errorf("load simulator state: %w", err)
	}
	if err := ex.Restore(st); err != nil {
		return nil, fmt.Errorf("restore simulator: %w", err)
	}
	s.ex = ex
	if o.Journal != nil {
		o.Journal.Begin(st) // what was restored, exactly
	}
	s.emitted, s.persisted = st.RecordSeq, st.RecordSeq
	positions := 0
	for _, a := range st.Accounts {
		positions += len(a.Positions)
	}
	s.log.Info("simulator restored", "accounts", len(st.Accounts), "openPositions", positions,
		"batchSeq", st.BatchSeq, "clock", st.Time)
	return s, nil
}

// Publish implements exchange.Sink: it queues a copy of the batch for the
// persister. It runs under the exchange's lock, so it only appends.
func (s *Simulator) Publish(b *arena.Batch) {
	if s.jour != nil {
		s.jour.Output(b)
	}
	c := b.Clone()
	s.mu.Lock()
	s.outbox = append(s.outbox, c)
	s.emitted = max(s.emitted, c.MaxSeq())
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run drives the exchange's clock and writes batches until ctx is done.
func (s *Simulator) Run(ctx context.Context) error {
	clock := time.NewTicker(50 * time.Millisecond)
	defer clock.Stop()
	backoff := time.Duration(0)
	var retry <-chan time.Time
	for {
		select {
		case <-ctx.Done():
			s.drain()
			return nil
		case <-clock.C:
			s.ex.Advance(s.now())
		case <-s.wake:
		case <-retry:
			retry = nil
		}
		if retry != nil {
			continue
		}
		err := s.flush(ctx)
		switch {
		case err == nil:
			backoff = 0
		case errors.Is(err, postgres.ErrBatchGap):
			return fmt.Errorf("simulator: %w", err)
		case ctx.Err() != nil:
			s.drain()
			return nil
		default:
			backoff = min(max(2*backoff, 100*time.Millisecond), 5*time.Second)
			retry = time.After(backoff)
		}
	}
}

// flush writes the queued batches in order, up to maxGroup at a time in
// one transaction (a group commit: a burst costs one commit, not one per
// order), until the outbox is empty or a write fails.
func (s *Simulator) flush(ctx context.Context) error {
	for {
		s.mu.Lock()
		group := slices.Clone(s.outbox[:min(len(s.outbox), maxGroup)])
		s.mu.Unlock()
		if len(group) == 0 {
			return nil
		}

		wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		began := time.Now()
		err := s.write(wctx, group)
		cancel()
		s.stats.wrote(time.Since(began), err, s.queued(), time.Now())
		if err != nil {
			s.setFailing(true, err)
			return err
		}
		s.setFailing(false, nil)
		s.mu.Lock()
		s.outbox = s.outbox[len(group):]
		for _, b := range group {
			s.persisted = max(s.persisted, b.MaxSeq())
		}
		close(s.changed)
		s.changed = make(chan struct{})
		s.mu.Unlock()
		for _, b := range group {
			s.stats.onPersisted(b)
			for _, h := range s.hooks {
				h(b)
			}
		}
	}
}

// queued is how many batches wait to be written.
func (s *Simulator) queued() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.outbox)
}

// drain makes a last attempt to write what is queued when stopping.
func (s *Simulator) drain() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.flush(ctx); err != nil {
		s.mu.Lock()
		n := len(s.outbox)
		s.mu.Unlock()
		s.log.Error("stopping with unwritten batches; they are lost and the restart resumes from the last written one",
			"batches", n, "err", err)
	}
}

func (s *Simulator) setFailing(failing bool, err error) {
	s.mu.Lock()
	was := s.failing
	s.failing = failing
	n := len(s.outbox)
	s.mu.Unlock()
	switch {
	case failing && !was:
		s.log.Error("writing the ledger failed; new orders are refused until PostgreSQL answers", "err", err, "queued", n)
	case !failing && was:
		s.log.Info("ledger writes recovered", "queued", n)
	}
}

// available refuses new orders while the ledger cannot be written.
func (s *Simulator) available() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.failing:
		return arena.Errorf(arena.CodeUnavailable, "the ledger database is unavailable; try again shortly")
	case len(s.outbox) > maxOutbox:
		return arena.Errorf(arena.CodeUnavailable, "the ledger is %d batches behind; try again shortly", len(s.outbox))
	}
	return nil
}

// waitPersisted blocks until every record up to seq is written.
func (s *Simulator) waitPersisted(ctx context.Context, seq uint64) error {
	for {
		s.mu.Lock()
		if s.persisted >= seq {
			s.mu.Unlock()
			return nil
		}
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ctx.Done():
			return arena.WrapError(arena.CodeTimeout, ctx.Err(), "the order executed but its ledger write is still pending")
		case <-ch:
		}
	}
}

// waitEmitted waits until everything emitted so far is persisted.
func (s *Simulator) waitEmitted(ctx context.Context) error {
	s.mu.Lock()
	seq := s.emitted
	s.mu.Unlock()
	return s.waitPersisted(ctx, seq)
}

// Checkpoint runs f with the exchange's state, with no input between it
// and the next one journaled (a season period's boundary).
func (s *Simulator) Checkpoint(f func(arena.ExchangeState)) { s.ex.Checkpoint(f) }
