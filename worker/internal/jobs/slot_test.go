package jobs_test

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/testenv"
	"github.com/autonome-go/autonome/worker/internal/agent/agenttest"
	"github.com/autonome-go/autonome/worker/internal/jobs"
	"github.com/autonome-go/autonome/worker/internal/llm"
	"github.com/autonome-go/autonome/worker/internal/llm/llmtest"
)

// When the retries of a failing decision run past the slot, the cycle
// records the provider's failure (here a rate limit), not that the slot
// ended before the decision could start.
func TestRetriesPastTheSlotRecordTheProviderFailure(t *testing.T) {
	entry := arena.DefaultRoster()[1]
	a := agenttest.NewArena(t, []arena.RosterEntry{entry})
	var late atomic.Bool // once set, the jobs' clock is past the slot
	// The provider's answer to the first attempt arrives as the slot ends:
	// the retry the failure asks for would start past it. (Waiting for the
	// failed row and then moving the clock raced with asynq's retry.)
	srv := llmtest.NewServerFunc(t, func(n int) llmtest.Reply {
		if n > 0 {
			t.Errorf("request %d: the slot had ended, no retry should call the model", n+1)
		}
		late.Store(true)
		return llmtest.Reply{Status: 429, Body: `{"error":{"message":"slow down"}}`}
	})
	h := run(t, a, []llm.Seat{agenttest.ChatSeat(t, entry, srv.BaseURL())}, func(o *jobs.Options) {
		o.RetryBase = time.Second // time to see the first failure before the retry runs
		mid := o.Now
		o.Now = func() time.Time {
			if late.Load() {
				return mid().Add(interval)
			}
			return mid()
		}
	})
	model := a.Models[0].ID
	ctx := testenv.Context(t, 60*time.Second)
	if err := h.jobs.EnqueueSlot(ctx, jobs.TypeTradeCycle, h.slot); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 30*time.Second, "the cycle to close", func() bool { return h.cycleClosed(t, h.slot) })
	var outcome, detail string
	if err := h.Pool.QueryRow(t.Context(), `SELECT "outcome", coalesce("detail", '') FROM "TradeCycleModels" WHERE "slot" = $1 AND "modelId" = $2`,
		h.slot, model).Scan(&outcome, &detail); err != nil {
		t.Fatal(err)
	}
	if outcome != "failed" || detail != "provider_error/http_429" {
		t.Fatalf("cycle outcome %s, detail %q", outcome, detail)
	}
}
