package postgres_test

import (
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/postgres"
	"github.com/autonome-go/autonome/shared/testenv"
)

// However the decisions of a cycle interleave, the cycle is closed exactly
// once, by whichever finishes last, with every outcome counted.
func TestCycleClosesExactlyOnce(t *testing.T) {
	pool, _ := testenv.Postgres(t)
	ctx := testenv.Context(t, 60*time.Second)
	ids := seedModels(t, pool, 6)
	s := postgres.NewAgents(pool)
	slot := time.Date(2026, 3, 2, 12, 5, 0, 0, time.UTC)

	got, err := s.StartCycle(ctx, slot, ids)
	if err != nil {
		t.Fatal(err)
	}
	// A retried cycle task sees the models of the first call.
	again, err := s.StartCycle(ctx, slot, ids[:2])
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 6 || !cmp.Equal(got, again) {
		t.Fatalf("models %v, then %v", got, again)
	}

	outcomes := []string{arena.OutcomeSuccess, arena.OutcomeSuccess, arena.OutcomeFailed,
		arena.OutcomeSkipped, arena.OutcomeSuccess, arena.OutcomeFailed}
	var mu sync.Mutex
	var closed []*arena.CycleResult
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := s.FinishCycleModel(ctx, slot, id, outcomes[i], "")
			if err != nil {
				t.Error(err)
				return
			}
			if res != nil {
				mu.Lock()
				closed = append(closed, res)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(closed) != 1 {
		t.Fatalf("cycle closed %d times", len(closed))
	}
	r := closed[0]
	if r.Models != 6 || r.Succeeded != 3 || r.Failed != 2 || r.Skipped != 1 || len(r.ModelIDs) != 6 {
		t.Fatalf("cycle result %+v", r)
	}
	// A late second outcome changes nothing and closes nothing.
	if res, err := s.FinishCycleModel(ctx, slot, ids[0], arena.OutcomeFailed, "late"); err != nil || res != nil {
		t.Fatalf("late outcome: %+v, %v", res, err)
	}
}

func TestEmptyAndExpiredCycles(t *testing.T) {
	pool, _ := testenv.Postgres(t)
	ctx := testenv.Context(t, 60*time.Second)
	ids := seedModels(t, pool, 2)
	s := postgres.NewAgents(pool)
	base := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)

	if _, err := s.StartCycle(ctx, base, nil); err != nil {
		t.Fatal(err)
	}
	r, err := s.CloseCycle(ctx, base)
	if err != nil || r == nil || r.Models != 0 {
		t.Fatalf("empty cycle: %+v, %v", r, err)
	}

	stuck := base.Add(5 * time.Minute)
	if _, err := s.StartCycle(ctx, stuck, ids); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FinishCycleModel(ctx, stuck, ids[0], arena.OutcomeSuccess, ""); err != nil {
		t.Fatal(err)
	}
	if res, err := s.ExpireCycles(ctx, stuck, "lost"); err != nil || len(res) != 0 {
		t.Fatalf("expire before the slot: %+v, %v", res, err)
	}
	res, err := s.ExpireCycles(ctx, stuck.Add(time.Minute), "lost")
	if err != nil || len(res) != 1 {
		t.Fatalf("expire: %+v, %v", res, err)
	}
	if res[0].Succeeded != 1 || res[0].Failed != 1 {
		t.Fatalf("expired cycle %+v", res[0])
	}
	var detail string
	if err := pool.QueryRow(ctx, `SELECT "detail" FROM "TradeCycleModels" WHERE "slot" = $1 AND "modelId" = $2`, stuck, ids[1]).Scan(&detail); err != nil || detail != "lost" {
		t.Fatalf("detail %q, %v", detail, err)
	}
	if n, err := s.DeleteCyclesBefore(ctx, stuck.Add(time.Minute)); err != nil || n != 2 {
		t.Fatalf("deleted %d cycles, %v", n, err)
	}
}
