package postgres_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/postgres"
	"github.com/autonome-go/autonome/shared/testenv"
)

func TestDecisionContextReads(t *testing.T) {
	pool, _ := testenv.Postgres(t)
	ctx := testenv.Context(t, 60*time.Second)
	ids := seedModels(t, pool, 3)
	s := postgres.NewAgents(pool)
	a, b := ids[0], ids[1]
	t0 := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)

	for i, v := range []string{"10000", "10100.5", "10050.25", "9990"} {
		if _, err := s.InsertSnapshots(ctx, t0.Add(time.Duration(i)*5*time.Minute), []arena.EquitySnapshot{
			{ModelID: a, Equity: arena.MustFixed(v)}}); err != nil {
			t.Fatal(err)
		}
	}
	first, err := s.FirstEquitySince(ctx, ids, t0.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]arena.Fixed{a: arena.MustFixed("10100.5")}, first); diff != "" {
		t.Fatalf("window start (-want +got):\n%s", diff)
	}
	closes, err := s.EquityCloses(ctx, ids, t0.Add(2*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	// The bucket containing `from` counts whole.
	if diff := cmp.Diff(map[string][]int64{a: {1_000_000, 1_010_050, 1_005_025, 999_000}}, closes); diff != "" {
		t.Fatalf("closes (-want +got):\n%s", diff)
	}

	cooldown := `{"decisions":[{"symbol":"BTC","cooldownUntil":"2026-03-02T13:00:00Z"}],"results":[{"symbol":"BTC","success":true}]}`
	plain, later := `{"decisions":[]}`, `{"decisions":[{"symbol":"ETH"}]}`
	finish := func(slot string, at time.Time, calls ...arena.ToolCallRecord) {
		t.Helper()
		inv := uuid.NewString()
		if err := s.BeginInvocation(ctx, inv, b, slot, at, at.Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := s.FinishInvocation(ctx, arena.FinishedInvocation{ID: inv, ModelID: b, Payload: []byte(`{}`), FinishedAt: at,
			ToolCalls: calls}); err != nil {
			t.Fatal(err)
		}
	}
	call := func(typ arena.ToolCallType, meta string, at time.Time) arena.ToolCallRecord {
		return arena.ToolCallRecord{ID: uuid.NewString(), Type: typ, Metadata: meta, Success: true, CreatedAt: at}
	}
	t1 := t0.Add(5 * time.Minute)
	finish("s1", t0, call(arena.ToolCreatePosition, cooldown, t0), call(arena.ToolCreatePosition, plain, t0.Add(time.Second)),
		call(arena.ToolHolding, `{}`, t0.Add(2*time.Second)))
	finish("s2", t1, call(arena.ToolCreatePosition, later, t1))
	for _, tc := range []struct {
		name  string
		model string
		since time.Time
		limit int
		want  []arena.DecisionCall
	}{
		{"all, newest first", b, t0.Add(-time.Hour), 100, []arena.DecisionCall{{Metadata: later, At: t1}, {Metadata: plain, At: t0.Add(time.Second)}, {Metadata: cooldown, At: t0}}},
		// Cooldowns are read beyond the latest calls.
		{"latest and cooldowns", b, t0.Add(-time.Hour), 1, []arena.DecisionCall{{Metadata: later, At: t1}, {Metadata: cooldown, At: t0}}},
		{"since", b, t0.Add(time.Minute), 100, []arena.DecisionCall{{Metadata: later, At: t1}}},
		{"another model's", a, t0.Add(-time.Hour), 100, nil},
	} {
		got, err := s.RecentDecisions(ctx, tc.model, tc.since, tc.limit)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tc.want, got, cmp.Comparer(func(x, y time.Time) bool { return x.Equal(y) })); diff != "" {
			t.Errorf("%s: recent decisions (-want +got):\n%s", tc.name, diff)
		}
	}

	_, err = pool.Exec(ctx, `INSERT INTO "LedgerEntries" ("modelId", "kind", "symbol", "orderId", "quantity", "price", "amount", "createdAt")
		VALUES ($1, 'FILL', 'BTC', 'o-1', 0.01, 97000, -0.2716, $2), ($1, 'FILL', 'BTC', 'o-1', 0.02, 97001.5, 1.5, $2),
		       ($1, 'FILL', 'BTC', 'o-2', 1, 1, 1, $2), ($3, 'FILL', 'BTC', 'o-1', 1, 1, 1, $2)`, a, t0, b)
	if err != nil {
		t.Fatal(err)
	}
	fills, err := s.OrderFills(ctx, a, "o-1")
	if err != nil {
		t.Fatal(err)
	}
	want := []arena.LedgerFill{
		{Quantity: arena.MustFixed("0.01"), Price: arena.FixedInt(97000), Amount: arena.MustFixed("-0.2716"), At: t0},
		{Quantity: arena.MustFixed("0.02"), Price: arena.MustFixed("97001.5"), Amount: arena.MustFixed("1.5"), At: t0},
	}
	if diff := cmp.Diff(want, fills, cmp.Comparer(func(x, y time.Time) bool { return x.Equal(y) })); diff != "" {
		t.Fatalf("fills (-want +got):\n%s", diff)
	}
	if e, err := s.AccountEpoch(ctx, a); err != nil || e != 0 {
		t.Fatalf("epoch %d, %v", e, err)
	}
	if _, err := s.AccountEpoch(ctx, "nobody"); arena.ErrorCode(err) != arena.CodeNotFound {
		t.Fatalf("unknown account: %v", err)
	}
}
