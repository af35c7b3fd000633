package postgres_test

import (
	"testing"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/postgres"
	"github.com/autonome-go/autonome/shared/testenv"
)

// Reconciling creates new seats with accounts, deactivates dropped ones
// without deleting them or their history, follows a changed model id, and
// changes nothing when run again.
func TestReconcileRoster(t *testing.T) {
	pool, _ := testenv.Postgres(t)
	ctx := testenv.Context(t, 30*time.Second)
	capital := arena.FixedInt(10_000)
	roster := arena.DefaultRoster()
	if res, err := postgres.ReconcileRoster(ctx, pool, roster, capital); err != nil || res != (postgres.RosterResult{Created: len(roster)}) {
		t.Fatalf("first reconcile %+v (%v)", res, err)
	}
	if res, err := postgres.ReconcileRoster(ctx, pool, roster, capital); err != nil || res != (postgres.RosterResult{}) {
		t.Fatalf("second reconcile %+v (%v)", res, err)
	}
	var dropped string
	if err := pool.QueryRow(ctx, `SELECT "id" FROM "Models" WHERE "name" = 'minimax-m2' AND "variant" = 'Apex'`).Scan(&dropped); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `INSERT INTO "Invocations" ("id", "modelId", "status", "cycleSlot") VALUES ('inv-1', $1, 'success', 's')`, dropped); err != nil {
		t.Fatal(err)
	}

	// Drop minimax, move deepseek to another model id, add a local model.
	var next []arena.RosterEntry
	for _, e := range roster {
		switch e.Name {
		case "minimax-m2":
			continue
		case "deepseek-v3.1-terminus":
			e.ProviderModel, e.Provider = "deepseek/deepseek-v3.1-terminus", arena.ProviderOpenRouter
		}
		next = append(next, e)
	}
	next = append(next, arena.RosterEntry{Name: "tiny", ProviderModel: "org/tiny-1", Provider: "local", Kind: arena.KindLLM, Variant: arena.Apex})
	res, err := postgres.ReconcileRoster(ctx, pool, next, capital)
	if err != nil {
		t.Fatal(err)
	}
	if res != (postgres.RosterResult{Created: 1, Updated: 7, Deactivated: 7}) {
		t.Fatalf("reconcile %+v", res)
	}
	var models, active, accounts, invs int
	var droppedActive bool
	if err := pool.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE "active"), (SELECT count(*) FROM "Accounts"),
		(SELECT count(*) FROM "Invocations"), (SELECT "active" FROM "Models" WHERE "id" = $1) FROM "Models"`, dropped).
		Scan(&models, &active, &accounts, &invs, &droppedActive); err != nil {
		t.Fatal(err)
	}
	if models != len(roster)+1 || active != len(next) || accounts != models || invs != 1 || droppedActive {
		t.Fatalf("models %d (%d active), accounts %d, invocations %d, dropped active %v", models, active, accounts, invs, droppedActive)
	}
	// Listing a dropped seat again brings it back, history intact.
	if res, err := postgres.ReconcileRoster(ctx, pool, roster, capital); err != nil || res.Updated != 14 || res.Deactivated != 1 || res.Created != 0 {
		t.Fatalf("restore %+v (%v)", res, err)
	}
}

func TestRunStatuses(t *testing.T) {
	pool, _ := testenv.Postgres(t)
	ctx := testenv.Context(t, 30*time.Second)
	roster := arena.DefaultRoster()[:2]
	if _, err := postgres.ReconcileRoster(ctx, pool, roster, arena.FixedInt(10_000)); err != nil {
		t.Fatal(err)
	}
	hint := "no API key: set NIM_API_KEY"
	err := postgres.SetRunStatuses(ctx, pool, []postgres.SeatRun{{Name: roster[1].Name, Variant: roster[1].Variant, Status: arena.RunNoKey, Hint: hint}})
	if err != nil {
		t.Fatal(err)
	}
	ms, err := postgres.NewReader(pool).Models(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[arena.Variant][2]string{}
	for _, m := range ms {
		got[m.Variant] = [2]string{m.RunStatus, m.RunHint}
	}
	if got[roster[0].Variant] != [2]string{arena.RunActive, ""} || got[roster[1].Variant] != [2]string{arena.RunNoKey, hint} {
		t.Fatalf("run statuses %v", got)
	}
	if err := postgres.SetRunStatuses(ctx, pool, []postgres.SeatRun{{Name: roster[1].Name, Variant: roster[1].Variant, Status: "broken"}}); err == nil {
		t.Fatal("an unknown run status was stored")
	}
}
