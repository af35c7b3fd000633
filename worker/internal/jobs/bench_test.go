package jobs

import (
	"context"
	"encoding/json"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/postgres"
	"github.com/autonome-go/autonome/shared/redis"
	"github.com/autonome-go/autonome/worker/internal/agent"
	"github.com/autonome-go/autonome/worker/internal/agent/agenttest"
	"github.com/autonome-go/autonome/worker/internal/llm"
)

// BenchmarkCycle runs whole decision cycles of the 21 LLM accounts of the
// default roster, seated with baseline agents (no network), through the
// cycle and decision handlers: the fan-out (participants, the cycle record,
// 21 enqueued tasks), then the 21 decisions in parallel (cycle data,
// prompts, the agent, the records, the cycle outcome, the cycle's close).
// Left out: asynq's dispatch of the tasks to workers, and the events' trip
// to Redis, which the runner's feed makes asynchronously (coalesced over up
// to 100 ms) and the benchmark waits for between cycles, off the clock.
//
// "baselines" seats the five baseline rules in turn, so accounts trade on
// the in-memory exchange (every batch persisted). "overhead" seats the
// always-flat rule, whose turn is a single holding call: what it measures
// is the cycle's own cost, everything but the model.
func BenchmarkCycle(b *testing.B) {
	roster := arena.DefaultRoster()[:21]
	flat := make([]llm.Seat, len(roster))
	for i, e := range roster {
		ag, err := llm.NewBaseline(llm.BaselineAlwaysFlat, 1)
		if err != nil {
			b.Fatal(err)
		}
		flat[i] = llm.Seat{Entry: e, Agent: ag, Limits: llm.BaselineLimits(llm.BaselineAlwaysFlat)}
	}
	b.Run("baselines", func(b *testing.B) { benchCycle(b, roster, agenttest.BaselineSeats(b, roster)) })
	b.Run("overhead", func(b *testing.B) { benchCycle(b, roster, flat) })
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func benchCycle(b *testing.B, roster []arena.RosterEntry, seats []llm.Seat) {
	a := agenttest.NewArena(b, roster)
	// The worker's own pool size (service: 16 connections).
	pool, err := postgres.Open(context.Background(), a.URL, postgres.Options{MaxConns: 16})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(pool.Close)
	store := postgres.NewAgents(pool)
	base := time.Now().UTC().Truncate(time.Minute)
	var slot atomic.Int64
	slot.Store(base.UnixNano())
	now := func() time.Time { return time.Unix(0, slot.Load()).Add(time.Minute / 2) }
	var j *Jobs
	health := NewHealth(redis.NewHealth(a.Redis, a.Prefix), a.Log, now)
	runner, err := agent.New(context.Background(), agent.Options{Trader: a.Exchange, History: a.History, Store: store,
		Reader: a.Reader, Events: a.Events, Seats: seats, Interval: time.Minute, Log: a.Log, Now: now, OnRunning: health.Running})
	if err != nil {
		b.Fatal(err)
	}
	j, err = New(Options{Redis: a.Redis, Prefix: a.Prefix, Health: health, PortfolioInterval: time.Minute,
		NoSchedule: true, Log: a.Log, Now: now, Runner: runner, Trader: a.Exchange, Store: store, Events: a.Events})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); _ = j.runner.Run(ctx) }()
	go func() { defer wg.Done(); _ = j.health.run(ctx) }()
	b.Cleanup(func() {
		cancel()
		wg.Wait()
		_ = asynq.NewInspectorFromRedisClient(a.Redis).DeleteQueue(j.queues.Trade, true)
	})
	stream := a.Prefix + "events:{" + string(arena.ChannelConversations) + "}"

	b.ReportAllocs()
	cpu0 := processCPU()
	b.ResetTimer()
	for i := range b.N {
		s := base.Add(time.Duration(i) * time.Minute)
		slot.Store(s.UnixNano())
		payload, _ := json.Marshal(SlotPayload{Slot: s})
		if err := j.handleCycle(ctx, asynq.NewTask(TypeTradeCycle, payload)); err != nil {
			b.Fatal(err)
		}
		var dw sync.WaitGroup
		for _, m := range a.Models {
			dw.Add(1)
			go func() {
				defer dw.Done()
				p, _ := json.Marshal(DecidePayload{ModelID: m.ID, Slot: s})
				if err := j.handleDecide(ctx, asynq.NewTask(TypeDecide, p)); err != nil {
					b.Error(err)
				}
			}()
		}
		dw.Wait()
		// The events go out from the feed goroutine, coalesced over up to
		// 100 ms; wait for them off the clock so cycles do not overlap.
		b.StopTimer()
		want := int64((i + 1) * len(a.Models))
		for a.Redis.XLen(ctx, stream).Val() < want {
			time.Sleep(2 * time.Millisecond)
		}
		b.StartTimer()
	}
	b.StopTimer()
	// This process's CPU (user + system) per cycle, which the machine's
	// other load does not inflate the way it does wall time; waiting for
	// the events between cycles is included.
	b.ReportMetric(float64((processCPU()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
	var ok int
	if err := a.Pool.QueryRow(ctx, `SELECT count(*) FROM "Invocations" WHERE "status" = 'success'`).Scan(&ok); err != nil || ok != b.N*len(a.Models) {
		b.Fatalf("%d successful decisions after %d cycles of %d models (%v)", ok, b.N, len(a.Models), err)
	}
}
