package jobs_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/autonome-go/autonome/shared/redis"
	"github.com/autonome-go/autonome/shared/testenv"
	"github.com/autonome-go/autonome/worker/internal/agent"
	"github.com/autonome-go/autonome/worker/internal/agent/agenttest"
	"github.com/autonome-go/autonome/worker/internal/jobs"
	"github.com/autonome-go/autonome/worker/internal/llm"
)

const interval = 5 * time.Minute

// harness runs Jobs over an arena until the test ends, on queues unique to
// the test (the arena's Redis prefix), deleted afterwards.
type harness struct {
	*agenttest.Arena
	jobs   *jobs.Jobs
	health *redis.Health
	insp   *asynq.Inspector
	slot   time.Time        // the current slot of the harness's clock
	now    func() time.Time // real time shifted to the middle of slot
}

func run(t *testing.T, a *agenttest.Arena, seats []llm.Seat, mod func(*jobs.Options)) *harness {
	t.Helper()
	h := &harness{Arena: a, health: redis.NewHealth(a.Redis, a.Prefix), insp: asynq.NewInspectorFromRedisClient(a.Redis)}
	// The jobs' clock sits mid-slot, so no test straddles a slot boundary
	// (a decision starting after its slot ended is skipped as stale).
	real := time.Now()
	h.slot = real.UTC().Truncate(interval)
	offset := h.slot.Add(interval / 2).Sub(real)
	h.now = func() time.Time { return time.Now().Add(offset) }
	health := jobs.NewHealth(h.health, a.Log, h.now)
	runner, err := agent.New(testenv.Context(t, 30*time.Second), agent.Options{Trader: a.Exchange, History: a.History,
		Store: a.Store, Reader: a.Reader, Events: a.Events, Seats: seats, Interval: interval, Log: a.Log, Now: h.now,
		OnRunning: health.Running})
	if err != nil {
		t.Fatal(err)
	}
	o := jobs.Options{
		Redis: a.Redis, Prefix: a.Prefix, Health: health, PortfolioInterval: time.Minute,
		Runner: runner, Trader: a.Exchange, Store: a.Store, Events: a.Events,
		RetryBase: 100 * time.Millisecond, PollInterval: 50 * time.Millisecond, NoSchedule: true, Log: a.Log, Now: h.now,
	}
	if mod != nil {
		mod(&o)
	}
	j, err := jobs.New(o)
	if err != nil {
		t.Fatal(err)
	}
	h.jobs = j
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- j.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("jobs: %v", err)
		}
		q := j.Queues()
		for _, name := range []string{q.Trade, q.Maintenance, q.Commands} {
			_ = h.insp.DeleteQueue(name, true)
		}
	})
	return h
}

// waitFor polls cond every 20 ms until it holds or the timeout passes.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	testenv.WaitFor(t, timeout, func() error {
		if !cond() {
			return errors.New("waiting for " + what)
		}
		return nil
	})
}

// cycleClosed reports whether the cycle of slot is closed.
func (h *harness) cycleClosed(t *testing.T, slot time.Time) bool {
	t.Helper()
	var closed bool
	err := h.Pool.QueryRow(context.Background(), `SELECT "finishedAt" IS NOT NULL FROM "TradeCycles" WHERE "slot" = $1`, slot).Scan(&closed)
	return err == nil && closed
}

// outcomes returns the cycle's outcome per model.
func (h *harness) outcomes(t *testing.T, slot time.Time) map[string]string {
	t.Helper()
	rows, err := h.Pool.Query(context.Background(), `SELECT "modelId", coalesce("outcome", '') FROM "TradeCycleModels" WHERE "slot" = $1`, slot)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, o string
		if err := rows.Scan(&id, &o); err != nil {
			t.Fatal(err)
		}
		out[id] = o
	}
	return out
}

func (h *harness) readHealth(t *testing.T) redis.SchedulerHealth {
	t.Helper()
	s, _, err := h.health.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return s
}
