package jobs

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/redis"
	"github.com/autonome-go/autonome/shared/retry"
)

// Health applies changes to the scheduler health record from one
// goroutine: changes queue up and are written together, at most once per
// healthWriteInterval, so a cycle's decisions starting and ending cost a few
// optimistic transactions instead of contending for one each. Each change
// is a function applied to the current record; it may run more than once
// and must only set fields.
type Health struct {
	store *redis.Health
	log   *slog.Logger
	now   func() time.Time

	mu      sync.Mutex
	pending []func(*redis.SchedulerHealth)
	notify  chan struct{}
}

// NewHealth returns the writer of the scheduler health record in store. It
// is built before the agent runner, which reports to it, and Jobs, which
// runs it.
func NewHealth(store *redis.Health, log *slog.Logger, now func() time.Time) *Health {
	return &Health{store: store, log: log, now: now, notify: make(chan struct{}, 1)}
}

// maxPendingHealth bounds the changes kept while Redis is unreachable
// (hours of cycles); beyond it the oldest are dropped.
const maxPendingHealth = 10_000

func (w *Health) apply(fn func(*redis.SchedulerHealth)) {
	w.mu.Lock()
	if len(w.pending) >= maxPendingHealth {
		w.pending = append(w.pending[:0], w.pending[len(w.pending)/2:]...)
		w.log.Warn("scheduler health unwritten for long; oldest changes dropped")
	}
	w.pending = append(w.pending, fn)
	w.mu.Unlock()
	select {
	case w.notify <- struct{}{}:
	default:
	}
}

// healthWriteInterval is the least time between two writes of the record:
// its readers (the API's /health) judge it in minutes.
const healthWriteInterval = 250 * time.Millisecond

// run writes queued changes until ctx ends, then what is left. A failed
// write is retried with the next change or after a second.
func (w *Health) run(ctx context.Context) error {
	again := time.NewTicker(time.Second)
	defer again.Stop()
	for {
		select {
		case <-w.notify:
		case <-again.C:
		case <-ctx.Done():
			w.final(ctx)
			return nil
		}
		if retry.Sleep(ctx, healthWriteInterval) != nil {
			w.final(ctx)
			return nil
		}
		w.flush(ctx)
	}
}

func (w *Health) final(ctx context.Context) {
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	w.flush(fctx)
}

func (w *Health) flush(ctx context.Context) {
	w.mu.Lock()
	fns := w.pending
	w.pending = nil
	w.mu.Unlock()
	if len(fns) == 0 {
		return
	}
	err := w.store.Update(ctx, func(s *redis.SchedulerHealth) {
		for _, fn := range fns {
			fn(s)
		}
		s.UpdatedAt = w.now().UTC()
	})
	if err != nil {
		w.log.Warn("scheduler health not written; retrying", "err", err)
		w.mu.Lock()
		w.pending = append(fns, w.pending...)
		w.mu.Unlock()
	}
}

// started marks a new worker process: no model of an earlier one runs.
func (w *Health) started(at time.Time) {
	w.apply(func(s *redis.SchedulerHealth) {
		s.WorkerStartedAt = at.UTC()
		s.Trade.ModelsRunning = []redis.RunningModel{}
	})
}

// Running is the agent runner's hook (agent.Options.OnRunning): a decision
// of a model started or ended.
func (w *Health) Running(modelID string, started time.Time, on bool) {
	w.apply(func(s *redis.SchedulerHealth) {
		s.Trade.ModelsRunning = slices.DeleteFunc(s.Trade.ModelsRunning, func(r redis.RunningModel) bool {
			return r.ID == modelID && r.StartedAt.Equal(started.UTC())
		})
		if on {
			s.Trade.ModelsRunning = append(s.Trade.ModelsRunning, redis.RunningModel{ID: modelID, StartedAt: started.UTC()})
		}
		if s.Trade.ModelsRunning == nil {
			s.Trade.ModelsRunning = []redis.RunningModel{}
		}
	})
}

func (w *Health) cycleStarted(at time.Time) {
	w.apply(func(s *redis.SchedulerHealth) { s.Trade.LastRun = at.UTC() })
}

// cycleFinished records a closed cycle: a cycle with a failed decision
// extends the run of failed cycles, one without resets it. A cycle closing
// after a newer one (an expired straggler) does not replace its stats.
func (w *Health) cycleFinished(r arena.CycleResult) {
	w.apply(func(s *redis.SchedulerHealth) {
		if r.Failed > 0 {
			s.Trade.ConsecutiveFailedCycles++
		} else {
			s.Trade.ConsecutiveFailedCycles = 0
			if r.FinishedAt.After(s.Trade.LastSuccess) {
				s.Trade.LastSuccess = r.FinishedAt.UTC()
			}
		}
		if last := s.Trade.LastCycle; last == nil || !r.StartedAt.Before(last.StartedAt) {
			s.Trade.LastCycle = &redis.CycleStats{StartedAt: r.StartedAt.UTC(), FinishedAt: r.FinishedAt.UTC(), Models: r.Models,
				Succeeded: r.Succeeded, Failed: r.Failed, Skipped: r.Skipped}
		}
	})
}

// Feed records the market feed's source and the time of its stalest
// market's last book update.
func (w *Health) Feed(source string, lastUpdate time.Time) {
	w.apply(func(s *redis.SchedulerHealth) {
		s.Feed = redis.FeedHealth{Source: source, LastUpdate: lastUpdate.UTC()}
	})
}

// Live records the live seats' states.
func (w *Health) Live(seats []redis.LiveHealth) {
	seats = slices.Clone(seats)
	w.apply(func(s *redis.SchedulerHealth) { s.Live = seats })
}

func (w *Health) portfolio(run time.Time, ok bool) {
	w.apply(func(s *redis.SchedulerHealth) {
		s.Portfolio.LastRun = run.UTC()
		if ok {
			s.Portfolio.LastSuccess = run.UTC()
		}
	})
}
