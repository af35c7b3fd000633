package postgres_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/postgres"
	"github.com/autonome-go/autonome/shared/testenv"
)

type modelCounters struct{ invocations, minutes, failedWorkflows, failedToolCalls int }

func counters(t *testing.T, s *postgres.Agents, id string) modelCounters {
	t.Helper()
	ms, err := s.AgentModels(testenv.Context(t, 10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.ID == id {
			return modelCounters{m.InvocationCount, m.TotalMinutes, m.FailedWorkflowCount, m.FailedToolCallCount}
		}
	}
	t.Fatalf("model %s not found", id)
	return modelCounters{}
}

func TestInvocationLifecycle(t *testing.T) {
	pool, _ := testenv.Postgres(t)
	ctx := testenv.Context(t, 60*time.Second)
	ids := seedModels(t, pool, 2)
	s := postgres.NewAgents(pool)
	m := ids[0]
	t0 := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	never := t0.Add(-24 * time.Hour) // nothing is stale

	first := uuid.NewString()
	if err := s.BeginInvocation(ctx, first, m, "slot-1", t0, never); err != nil {
		t.Fatal(err)
	}
	if err := s.BeginInvocation(ctx, uuid.NewString(), m, "slot-1", t0, never); !errors.Is(err, arena.ErrDecisionRecorded) {
		t.Fatalf("same slot again: %v, want ErrDecisionRecorded", err)
	}
	if err := s.BeginInvocation(ctx, uuid.NewString(), m, "slot-2", t0, never); !errors.Is(err, arena.ErrModelBusy) {
		t.Fatalf("second running decision: %v, want ErrModelBusy", err)
	}
	// Another model is not affected.
	other := uuid.NewString()
	if err := s.BeginInvocation(ctx, other, ids[1], "slot-1", t0, never); err != nil {
		t.Fatal(err)
	}

	calls := []arena.ToolCallRecord{
		{ID: uuid.NewString(), Type: arena.ToolCreatePosition, Metadata: `{"decisions":[],"results":[]}`, Success: true, CreatedAt: t0},
		{ID: uuid.NewString(), Type: arena.ToolUnknown, Metadata: `{"name":"buyEverything"}`, Success: false, CreatedAt: t0.Add(time.Second)},
		{ID: uuid.NewString(), Type: arena.ToolHolding, Metadata: `{"action":"holding"}`, Success: true, CreatedAt: t0.Add(2 * time.Second)},
	}
	err := s.FinishInvocation(ctx, arena.FinishedInvocation{ID: first, ModelID: m, Response: "done", Payload: []byte(`{"a":1}`),
		LatencyMS: 1200, InputTokens: 100, OutputTokens: 20, CostUSD: arena.MustFixed("0.0123"), FinishedAt: t0.Add(2 * time.Second),
		ToolCalls: calls, FailedToolCalls: 1})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := counters(t, s, m), (modelCounters{1, 0, 0, 1}); got != want {
		t.Fatalf("after first success: %+v, want %+v", got, want)
	}
	if err := s.FinishInvocation(ctx, arena.FinishedInvocation{ID: first, ModelID: m, FinishedAt: t0}); !errors.Is(err, arena.ErrNotRunning) {
		t.Fatalf("finishing twice: %v, want ErrNotRunning", err)
	}
	var n int
	var status, cost string
	if err := pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM "ToolCalls" WHERE "invocationId" = $1), "status", "costUsd"::text
		FROM "Invocations" WHERE "id" = $1`, first).Scan(&n, &status, &cost); err != nil {
		t.Fatal(err)
	}
	if n != 3 || status != "success" || cost != "0.01230000" {
		t.Fatalf("stored %d tool calls, status %s, cost %s", n, status, cost)
	}

	// The next decision starts 7 min 40 s after the first: a success adds
	// the real elapsed minutes, rounded.
	second := uuid.NewString()
	if err := s.BeginInvocation(ctx, second, m, "slot-2", t0.Add(7*time.Minute+40*time.Second), never); err != nil {
		t.Fatal(err)
	}
	if err := s.FinishInvocation(ctx, arena.FinishedInvocation{ID: second, ModelID: m, Payload: []byte(`{}`), FinishedAt: t0.Add(8 * time.Minute)}); err != nil {
		t.Fatal(err)
	}
	if got, want := counters(t, s, m), (modelCounters{2, 8, 0, 1}); got != want {
		t.Fatalf("after second success: %+v, want %+v", got, want)
	}

	// A failure is counted as a failed workflow, never as an invocation.
	third := uuid.NewString()
	if err := s.BeginInvocation(ctx, third, m, "slot-3", t0.Add(15*time.Minute), never); err != nil {
		t.Fatal(err)
	}
	reason := arena.FailureProviderError
	if err := s.FinishInvocation(ctx, arena.FinishedInvocation{ID: third, ModelID: m, Failure: &reason, Payload: []byte(`{}`),
		FinishedAt: t0.Add(16 * time.Minute)}); err != nil {
		t.Fatal(err)
	}
	if got, want := counters(t, s, m), (modelCounters{2, 8, 1, 1}); got != want {
		t.Fatalf("after failure: %+v, want %+v", got, want)
	}
	var fr string
	if err := pool.QueryRow(ctx, `SELECT "failureReason" FROM "Invocations" WHERE "id" = $1`, third).Scan(&fr); err != nil || fr != "provider_error" {
		t.Fatalf("failure reason %q (%v)", fr, err)
	}
}

// A decision left running by a dead worker blocks the model only until it
// is older than the stale bound; then it is failed and counted.
func TestAbandonedInvocationIsTakenOver(t *testing.T) {
	pool, _ := testenv.Postgres(t)
	ctx := testenv.Context(t, 60*time.Second)
	m := seedModels(t, pool, 1)[0]
	s := postgres.NewAgents(pool)
	t0 := time.Now().UTC().Add(-20 * time.Minute)

	dead := uuid.NewString()
	if err := s.BeginInvocation(ctx, dead, m, "slot-a", t0, t0.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	// Not yet stale: the model is busy.
	if err := s.BeginInvocation(ctx, uuid.NewString(), m, "slot-b", time.Now(), t0.Add(-time.Minute)); !errors.Is(err, arena.ErrModelBusy) {
		t.Fatalf("got %v, want ErrModelBusy", err)
	}
	// Stale: taken over.
	if err := s.BeginInvocation(ctx, uuid.NewString(), m, "slot-b", time.Now(), time.Now().Add(-10*time.Minute)); err != nil {
		t.Fatalf("take over: %v", err)
	}
	var status, reason, code string
	if err := pool.QueryRow(ctx, `SELECT "status", "failureReason", "responsePayload"->'failure'->>'code' FROM "Invocations" WHERE "id" = $1`, dead).
		Scan(&status, &reason, &code); err != nil {
		t.Fatal(err)
	}
	if status != "failed" || reason != "timeout" || code != "abandoned" {
		t.Fatalf("abandoned row: %s %s %s", status, reason, code)
	}
	if got := counters(t, s, m); got.failedWorkflows != 1 || got.invocations != 0 {
		t.Fatalf("counters %+v", got)
	}
	if err := s.FinishInvocation(ctx, arena.FinishedInvocation{ID: dead, ModelID: m, FinishedAt: time.Now()}); !errors.Is(err, arena.ErrNotRunning) {
		t.Fatalf("late finish of the abandoned decision: %v, want ErrNotRunning", err)
	}
}
