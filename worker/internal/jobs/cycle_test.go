package jobs_test

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/testenv"
	"github.com/autonome-go/autonome/worker/internal/agent"
	"github.com/autonome-go/autonome/worker/internal/agent/agenttest"
	"github.com/autonome-go/autonome/worker/internal/jobs"
	"github.com/autonome-go/autonome/worker/internal/llm"
	"github.com/autonome-go/autonome/worker/internal/llm/llmtest"
)

// A whole cycle of the default roster (21 LLM accounts and 5 baselines, all
// seated with baseline agents) through asynq, PostgreSQL and Redis: every
// model decides once, trades reach the ledger, events reach the channels
// and the scheduler health records the cycle.
func TestWholeCycleWithBaselines(t *testing.T) {
	roster := arena.DefaultRoster()
	a := agenttest.NewArena(t, roster)
	h := run(t, a, agenttest.BaselineSeats(t, roster), nil)
	ctx := testenv.Context(t, 120*time.Second)

	if err := h.jobs.EnqueueSlot(ctx, jobs.TypeTradeCycle, h.slot); err != nil {
		t.Fatal(err)
	}
	// The same slot cannot be enqueued twice.
	if err := h.jobs.EnqueueSlot(ctx, jobs.TypeTradeCycle, h.slot); !errors.Is(err, asynq.ErrTaskIDConflict) {
		t.Fatalf("second enqueue of the slot: %v, want ErrTaskIDConflict", err)
	}
	waitFor(t, 90*time.Second, "the cycle to close", func() bool { return h.cycleClosed(t, h.slot) })

	outcomes := h.outcomes(t, h.slot)
	if len(outcomes) != len(roster) {
		t.Fatalf("%d models in the cycle, want %d", len(outcomes), len(roster))
	}
	for id, o := range outcomes {
		if o != "success" {
			t.Errorf("model %s: %s", id, o)
		}
	}
	var invs, ok, calls, failedCalls, open, filled int
	err := a.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM "Invocations"), (SELECT count(*) FROM "Invocations" WHERE "status" = 'success'),
		(SELECT count(*) FROM "ToolCalls"), (SELECT count(*) FROM "ToolCalls" WHERE NOT "success"),
		(SELECT count(*) FROM "Orders" WHERE "status" = 'OPEN'), (SELECT count(*) FROM "LedgerEntries" WHERE "kind" = 'FILL')`).
		Scan(&invs, &ok, &calls, &failedCalls, &open, &filled)
	if err != nil {
		t.Fatal(err)
	}
	if invs != len(roster) || ok != len(roster) || calls < len(roster) || open == 0 || filled < open {
		t.Fatalf("invocations %d (%d ok), tool calls %d (%d failed), open positions %d, fills %d", invs, ok, calls, failedCalls, open, filled)
	}
	var counted int
	if err := a.Pool.QueryRow(ctx, `SELECT sum("invocationCount") FROM "Models"`).Scan(&counted); err != nil || counted != len(roster) {
		t.Fatalf("models count %d invocations (%v)", counted, err)
	}

	// Events go out from the runner's feed, coalesced over up to 100 ms.
	waitFor(t, 5*time.Second, "the conversation events", func() bool {
		conv, _, err := a.Events.Since(ctx, arena.ChannelConversations, arena.EventIDZero, 1000)
		return err == nil && len(conv) == len(roster)
	})
	state, _, err := a.Events.State(ctx, arena.ChannelConversations)
	var list []agent.Conversation
	if err != nil || json.Unmarshal(state, &list) != nil || len(list) != len(roster) {
		t.Fatalf("conversations state: %d items (%v)", len(list), err)
	}
	var batch *agent.WorkflowEvent
	completes := 0
	waitFor(t, 5*time.Second, "the workflow events", func() bool {
		wf, _, err := a.Events.Since(ctx, arena.ChannelWorkflow, arena.EventIDZero, 1000)
		if err != nil {
			t.Fatal(err)
		}
		batch, completes = nil, 0
		for _, e := range wf {
			switch e.Type {
			case arena.EventWorkflowComplete:
				completes++
			case arena.EventBatchComplete:
				batch = new(agent.WorkflowEvent)
				if err := json.Unmarshal(e.Data, batch); err != nil {
					t.Fatal(err)
				}
			}
		}
		return completes == len(roster) && batch != nil
	})
	if len(batch.ModelIDs) != len(roster) {
		t.Fatalf("batch:complete %+v", batch)
	}

	waitFor(t, 5*time.Second, "the cycle in the health record", func() bool { return h.readHealth(t).Trade.LastCycle != nil })
	s := h.readHealth(t)
	tr := s.Trade
	if tr.LastRun.IsZero() || tr.LastSuccess.IsZero() || tr.ConsecutiveFailedCycles != 0 || len(tr.ModelsRunning) != 0 ||
		tr.LastCycle.Models != len(roster) || tr.LastCycle.Succeeded != len(roster) || s.WorkerStartedAt.IsZero() {
		t.Fatalf("trade health %+v (last cycle %+v)", tr, tr.LastCycle)
	}
	if !s.TradeHealthy(time.Now()) {
		t.Fatalf("health reports the scheduler unhealthy: %+v", s)
	}

	// The decision tasks are named by model and slot: a duplicate is
	// refused.
	task := asynq.NewTask(jobs.TypeDecide, []byte(`{}`))
	_, err = asynq.NewClientFromRedisClient(a.Redis).Enqueue(task, asynq.Queue(h.jobs.Queues().Trade),
		asynq.TaskID(jobs.TypeDecide+":"+strconv.FormatInt(h.slot.Unix(), 10)+":"+a.Models[0].ID))
	if !errors.Is(err, asynq.ErrTaskIDConflict) {
		t.Fatalf("duplicate decision task: %v", err)
	}
}

// llmArena is one LLM account (deepseek under Apex) answered by a scripted
// provider.
func llmArena(t *testing.T, replies ...llmtest.Reply) (*harness, string, *llmtest.Server) {
	t.Helper()
	entry := arena.DefaultRoster()[1]
	a := agenttest.NewArena(t, []arena.RosterEntry{entry})
	srv := llmtest.NewServer(t, replies...)
	h := run(t, a, []llm.Seat{agenttest.ChatSeat(t, entry, srv.BaseURL())}, nil)
	return h, a.Models[0].ID, srv
}

func holding() llmtest.Reply {
	return llmtest.Reply{Calls: []llmtest.Call{{Name: "holding", Arguments: `{"reason":"flat market"}`}}, PromptTokens: 800, OutputTokens: 40}
}

type row struct{ slot, status, reason string }

func rows(t *testing.T, h *harness, model string) []row {
	t.Helper()
	rs, err := h.Pool.Query(context.Background(), `SELECT "cycleSlot", "status", coalesce("failureReason", '') FROM "Invocations"
		WHERE "modelId" = $1 ORDER BY "createdAt"`, model)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	var out []row
	for rs.Next() {
		var r row
		if err := rs.Scan(&r.slot, &r.status, &r.reason); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

func TestTransientProviderErrorIsRetried(t *testing.T) {
	h, model, srv := llmArena(t, llmtest.Reply{Status: 503, Body: `{"error":{"message":"overloaded"}}`}, holding())
	ctx := testenv.Context(t, 60*time.Second)
	if err := h.jobs.EnqueueSlot(ctx, jobs.TypeTradeCycle, h.slot); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 30*time.Second, "the cycle to close", func() bool { return h.cycleClosed(t, h.slot) })
	slot := h.slot.Format(time.RFC3339)
	want := []row{{slot, "failed", "provider_error"}, {slot + "#1", "success", ""}}
	if got := rows(t, h, model); len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("invocations %+v, want %+v", got, want)
	}
	if o := h.outcomes(t, h.slot)[model]; o != "success" {
		t.Fatalf("cycle outcome %s", o)
	}
	if n := len(srv.Requests()); n != 2 {
		t.Fatalf("%d provider requests", n)
	}
	// The cycle closes when the decision's result is written; asynq marks
	// the task completed just after.
	var info *asynq.TaskInfo
	waitFor(t, 10*time.Second, "the decision task to complete", func() bool {
		var err error
		info, err = h.insp.GetTaskInfo(h.jobs.Queues().Trade, jobs.TypeDecide+":"+strconv.FormatInt(h.slot.Unix(), 10)+":"+model)
		return err == nil && info.State == asynq.TaskStateCompleted
	})
	if info.Retried != 1 || !strings.Contains(string(info.Result), `"status":"success"`) {
		t.Fatalf("task %s retried %d, result %s", info.State, info.Retried, info.Result)
	}
}

func TestPermanentProviderErrorIsNotRetried(t *testing.T) {
	h, model, srv := llmArena(t, llmtest.Reply{Status: 401, Body: `{"error":{"message":"bad key"}}`})
	ctx := testenv.Context(t, 60*time.Second)
	if err := h.jobs.EnqueueSlot(ctx, jobs.TypeTradeCycle, h.slot); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 30*time.Second, "the cycle to close", func() bool { return h.cycleClosed(t, h.slot) })
	if got := rows(t, h, model); len(got) != 1 || got[0].status != "failed" || got[0].reason != "provider_error" {
		t.Fatalf("invocations %+v", got)
	}
	if o := h.outcomes(t, h.slot)[model]; o != "failed" {
		t.Fatalf("cycle outcome %s", o)
	}
	id := jobs.TypeDecide + ":" + strconv.FormatInt(h.slot.Unix(), 10) + ":" + model
	waitFor(t, 5*time.Second, "the task to be archived", func() bool {
		info, err := h.insp.GetTaskInfo(h.jobs.Queues().Trade, id)
		return err == nil && info.State == asynq.TaskStateArchived
	})
	info, _ := h.insp.GetTaskInfo(h.jobs.Queues().Trade, id)
	if info.Retried != 0 || !strings.Contains(info.LastErr, "http_401") {
		t.Fatalf("archived task: retried %d, last error %q", info.Retried, info.LastErr)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Fatalf("%d provider requests", n)
	}
	waitFor(t, 5*time.Second, "the failed cycle in the health record", func() bool {
		return h.readHealth(t).Trade.ConsecutiveFailedCycles == 1
	})
	if s := h.readHealth(t); s.Trade.LastCycle == nil || s.Trade.LastCycle.Failed != 1 || !s.Trade.LastSuccess.IsZero() {
		t.Fatalf("health %+v", s.Trade)
	}
}

// A model whose decision still runs when the next cycle comes is skipped
// in that cycle, and the health record lists it as running meanwhile.
func TestOverlappingDecisionIsSkipped(t *testing.T) {
	slow := holding()
	slow.Stall = 2 * time.Second
	h, model, _ := llmArena(t, slow)
	ctx := testenv.Context(t, 60*time.Second)
	if err := h.jobs.EnqueueSlot(ctx, jobs.TypeTradeCycle, h.slot); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "the model to be reported running", func() bool {
		r := h.readHealth(t).Trade.ModelsRunning
		return len(r) == 1 && r[0].ID == model
	})
	next := h.slot.Add(interval)
	if err := h.jobs.EnqueueSlot(ctx, jobs.TypeTradeCycle, next); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 20*time.Second, "both cycles to close", func() bool { return h.cycleClosed(t, h.slot) && h.cycleClosed(t, next) })
	if o := h.outcomes(t, next)[model]; o != "skipped" {
		t.Fatalf("overlapping decision: %s", o)
	}
	if o := h.outcomes(t, h.slot)[model]; o != "success" {
		t.Fatalf("first decision: %s", o)
	}
	if got := rows(t, h, model); len(got) != 1 {
		t.Fatalf("invocations %+v", got)
	}
	waitFor(t, 5*time.Second, "no model running", func() bool { return len(h.readHealth(t).Trade.ModelsRunning) == 0 })
}

func TestSnapshotsAndRetention(t *testing.T) {
	roster := arena.DefaultRoster()[21:]
	a := agenttest.NewArena(t, roster)
	h := run(t, a, agenttest.BaselineSeats(t, roster), nil)
	ctx := testenv.Context(t, 60*time.Second)
	slot := h.now().UTC().Truncate(time.Minute)
	if err := h.jobs.EnqueueSlot(ctx, jobs.TypePortfolioSnapshot, slot); err != nil {
		t.Fatal(err)
	}
	count := func(res string) int {
		var n int
		_ = a.Pool.QueryRow(ctx, `SELECT count(*) FROM "PortfolioSize" WHERE "resolution" = $1`, res).Scan(&n)
		return n
	}
	waitFor(t, 10*time.Second, "the snapshots", func() bool { return count("raw") == len(roster) })
	var v string
	if err := a.Pool.QueryRow(ctx, `SELECT min("netPortfolio")::text FROM "PortfolioSize"`).Scan(&v); err != nil || v != "10000.00" {
		t.Fatalf("equity %s (%v)", v, err)
	}
	evs, _, err := a.Events.Since(ctx, arena.ChannelPortfolio, arena.EventIDZero, 10)
	if err != nil || len(evs) != 1 {
		t.Fatalf("%d portfolio events (%v)", len(evs), err)
	}
	var up jobs.PortfolioUpdate
	if err := json.Unmarshal(evs[0].Data, &up); err != nil || up.ModelsUpdated != len(roster) || up.SnapshotsCreated != len(roster) || up.LastUpdatedAt == "" {
		t.Fatalf("portfolio event %s", evs[0].Data)
	}
	waitFor(t, 5*time.Second, "portfolio health", func() bool { return !h.readHealth(t).Portfolio.LastSuccess.IsZero() })

	// Old snapshots roll up when retention runs.
	old := time.Now().Add(-10 * 24 * time.Hour)
	if _, err := a.Pool.Exec(ctx, `UPDATE "PortfolioSize" SET "createdAt" = $1`, old); err != nil {
		t.Fatal(err)
	}
	if err := h.jobs.EnqueueSlot(ctx, jobs.TypePortfolioRetention, h.now().Truncate(time.Hour)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "the roll-up", func() bool { return count("raw") == 0 && count("hour") == len(roster) })
}
