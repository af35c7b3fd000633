package jobs

import (
	"context"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/hibiken/asynq"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/testenv"
	"github.com/autonome-go/autonome/worker/internal/agent/agenttest"
)

// Two schedulers (two worker processes) running together enqueue each slot
// once: the slot is in the task id.
func TestTwoSchedulersEnqueueEachSlotOnce(t *testing.T) {
	rdb, prefix := testenv.Redis(t)
	queue := prefix + "sched"
	insp := asynq.NewInspectorFromRedisClient(rdb)
	t.Cleanup(func() { _ = insp.DeleteQueue(queue, true) })
	every := time.Second
	p := periodic{typ: "test:tick", queue: queue, every: every, opts: func(time.Time) []asynq.Option {
		return []asynq.Option{asynq.Retention(time.Minute)}
	}}
	ctx, cancel := context.WithTimeout(t.Context(), 3500*time.Millisecond)
	defer cancel()
	start := time.Now()
	var wg sync.WaitGroup
	for range 2 {
		s := &scheduler{client: asynq.NewClientFromRedisClient(rdb), tasks: []periodic{p}, log: agenttest.Quiet(), now: time.Now}
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = s.run(ctx)
		}()
	}
	wg.Wait()
	end := time.Now()

	tasks, err := insp.ListPendingTasks(queue, asynq.PageSize(100))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ti := range tasks {
		got = append(got, ti.ID)
	}
	sort.Strings(got)
	var want []string
	for s := slotOf(start, every); !s.After(end); s = s.Add(every) {
		want = append(want, slotTaskID("test:tick", s))
	}
	// The last slot may have begun as the context ended.
	if len(got) == len(want)-1 {
		want = want[:len(got)]
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("enqueued tasks (-want +got):\n%s", diff)
	}
}

func TestFillsFromTheLedger(t *testing.T) {
	m := arena.DefaultMarkets()[0] // BTC: 2.8 bps taker, 0.4 bps maker
	at := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	e := func(qty, price, amount string) arena.LedgerFill {
		return arena.LedgerFill{Quantity: arena.MustFixed(qty), Price: arena.MustFixed(price), Amount: arena.MustFixed(amount), At: at}
	}
	taker := func(qty, price string) arena.Fixed {
		return arena.MustFixed(price).Mul(arena.MustFixed(qty)).Mul(m.TakerFeeBps / 10_000)
	}
	maker := func(qty, price string) arena.Fixed {
		return arena.MustFixed(price).Mul(arena.MustFixed(qty)).Mul(m.MakerFeeBps / 10_000)
	}
	entries := []arena.LedgerFill{e("0.01", "97000", "-0.2716"), e("0.02", "97010.5", "5")}
	cases := []struct {
		name string
		fees arena.Fixed
		liq  []arena.Liquidity
	}{
		{"all taker", taker("0.01", "97000") + taker("0.02", "97010.5"), []arena.Liquidity{arena.Taker, arena.Taker}},
		{"all maker", maker("0.01", "97000") + maker("0.02", "97010.5"), []arena.Liquidity{arena.Maker, arena.Maker}},
		{"took then rested", taker("0.01", "97000") + maker("0.02", "97010.5"), []arena.Liquidity{arena.Taker, arena.Maker}},
		{"unexplained", arena.MustFixed("1"), []arena.Liquidity{"", ""}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fills, realized := fillsOf(entries, arena.Order{Fees: tc.fees}, m)
			var sum arena.Fixed
			var liq []arena.Liquidity
			for _, f := range fills {
				sum += f.Fee
				liq = append(liq, f.Liquidity)
			}
			if sum != tc.fees || !cmp.Equal(liq, tc.liq) {
				t.Fatalf("fees %s (want %s), liquidity %v", sum, tc.fees, liq)
			}
			if want := tc.fees + arena.MustFixed("4.7284"); realized != want {
				t.Fatalf("realized %s, want %s", realized, want)
			}
		})
	}
}
