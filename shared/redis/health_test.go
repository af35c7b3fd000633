package redis_test

import (
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/autonome-go/autonome/shared/redis"
	"github.com/autonome-go/autonome/shared/testenv"
)

func TestHealthRoundTrip(t *testing.T) {
	rdb, prefix := testenv.Redis(t)
	ctx := testenv.Context(t, 5*time.Second)
	h := redis.NewHealth(rdb, prefix)
	if h.Key() != prefix+"arena:health:scheduler" {
		t.Fatalf("key %q", h.Key())
	}
	if _, ok, err := h.Read(ctx); err != nil || ok {
		t.Fatalf("empty store: ok=%v err=%v", ok, err)
	}
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	want := redis.SchedulerHealth{
		WorkerStartedAt: at.Add(-time.Hour), UpdatedAt: at,
		Trade: redis.TradeHealth{LastRun: at, LastSuccess: at.Add(-5 * time.Minute), ConsecutiveFailedCycles: 1,
			ModelsRunning: []redis.RunningModel{{ID: "m1", StartedAt: at.Add(-30 * time.Second)}},
			LastCycle:     &redis.CycleStats{StartedAt: at.Add(-5 * time.Minute), FinishedAt: at.Add(-4 * time.Minute), Models: 26, Succeeded: 25, Failed: 1}},
		Portfolio: redis.PortfolioHealth{LastRun: at, LastSuccess: at},
		Feed:      redis.FeedHealth{Source: "synthetic", LastUpdate: at},
	}
	if err := h.Write(ctx, want); err != nil {
		t.Fatal(err)
	}
	got, ok, err := h.Read(ctx)
	if err != nil || !ok {
		t.Fatalf("read: ok=%v err=%v", ok, err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
}

// Concurrent writers of different parts never lose each other's updates.
func TestHealthUpdateIsAtomic(t *testing.T) {
	rdb, prefix := testenv.Redis(t)
	ctx := testenv.Context(t, 20*time.Second)
	h := redis.NewHealth(rdb, prefix)
	const n = 40
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(2)
		go func() {
			defer wg.Done()
			if err := h.Update(ctx, func(s *redis.SchedulerHealth) { s.Trade.ConsecutiveFailedCycles++ }); err != nil {
				t.Error(err)
			}
		}()
		go func() {
			defer wg.Done()
			if err := h.Update(ctx, func(s *redis.SchedulerHealth) {
				s.Portfolio.LastRun = time.Unix(int64(1_700_000_000+i), 0).UTC()
				s.Feed.Source = "synthetic"
			}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	got, _, err := h.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got.Trade.ConsecutiveFailedCycles != n || got.Feed.Source != "synthetic" || got.Portfolio.LastRun.IsZero() {
		t.Fatalf("lost updates: %+v", got)
	}
}

func TestHealthRules(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	ago := func(d time.Duration) time.Time { return now.Add(-d) }
	old := ago(48 * time.Hour)
	cases := []struct {
		name      string
		s         redis.SchedulerHealth
		trade     bool
		portfolio bool
	}{
		{"never ran", redis.SchedulerHealth{WorkerStartedAt: ago(time.Minute)}, false, false},
		{"healthy", redis.SchedulerHealth{WorkerStartedAt: old,
			Trade:     redis.TradeHealth{LastRun: ago(4 * time.Minute), LastSuccess: ago(9 * time.Minute)},
			Portfolio: redis.PortfolioHealth{LastRun: ago(30 * time.Second)}}, true, true},
		{"cycle too old", redis.SchedulerHealth{WorkerStartedAt: old,
			Trade:     redis.TradeHealth{LastRun: ago(10 * time.Minute), LastSuccess: ago(10 * time.Minute)},
			Portfolio: redis.PortfolioHealth{LastRun: ago(2 * time.Minute)}}, false, false},
		{"no recent success", redis.SchedulerHealth{WorkerStartedAt: old,
			Trade: redis.TradeHealth{LastRun: ago(time.Minute), LastSuccess: ago(15 * time.Minute)}}, false, false},
		{"new worker without success yet", redis.SchedulerHealth{WorkerStartedAt: ago(14 * time.Minute),
			Trade: redis.TradeHealth{LastRun: ago(time.Minute)}}, true, false},
		{"three failed cycles", redis.SchedulerHealth{WorkerStartedAt: ago(time.Minute),
			Trade: redis.TradeHealth{LastRun: ago(time.Minute), LastSuccess: ago(time.Minute), ConsecutiveFailedCycles: 3}}, false, false},
		{"two failed cycles", redis.SchedulerHealth{WorkerStartedAt: old,
			Trade: redis.TradeHealth{LastRun: ago(time.Minute), LastSuccess: ago(14 * time.Minute), ConsecutiveFailedCycles: 2}}, true, false},
	}
	for _, c := range cases {
		if got := c.s.TradeHealthy(now); got != c.trade {
			t.Errorf("%s: trade healthy %v, want %v", c.name, got, c.trade)
		}
		if got := c.s.PortfolioHealthy(now); got != c.portfolio {
			t.Errorf("%s: portfolio healthy %v, want %v", c.name, got, c.portfolio)
		}
	}
}
