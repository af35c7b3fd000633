package postgres_test

import (
	"testing"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/postgres"
	"github.com/autonome-go/autonome/shared/testenv"
)

func TestSeedIsIdempotent(t *testing.T) {
	pool, _ := testenv.Postgres(t)
	ctx := testenv.Context(t, 30*time.Second)
	roster := arena.DefaultRoster()
	capital := arena.FixedInt(10_000)

	first, err := postgres.Seed(ctx, pool, roster, capital)
	if err != nil {
		t.Fatal(err)
	}
	if first.ModelsCreated != len(roster) || first.AccountsCreated != len(roster) {
		t.Fatalf("first seed = %+v, want %d models and accounts", first, len(roster))
	}
	second, err := postgres.Seed(ctx, pool, roster, capital)
	if err != nil {
		t.Fatal(err)
	}
	if second != (postgres.SeedResult{}) {
		t.Fatalf("second seed changed %+v", second)
	}
	var models, llms, accounts int
	var cash string
	err = pool.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE "kind" = 'llm'),
		(SELECT count(*) FROM "Accounts"), (SELECT min("cash")::text FROM "Accounts") FROM "Models"`).
		Scan(&models, &llms, &accounts, &cash)
	if err != nil {
		t.Fatal(err)
	}
	if models != len(roster) || llms != 21 || accounts != len(roster) || cash != "10000.00000000" {
		t.Fatalf("models=%d llms=%d accounts=%d cash=%s", models, llms, accounts, cash)
	}
}

func TestBalanceIdentityEnforced(t *testing.T) {
	pool, _ := testenv.Postgres(t)
	ctx := testenv.Context(t, 30*time.Second)
	if _, err := postgres.Seed(ctx, pool, arena.DefaultRoster()[:1], arena.FixedInt(10_000)); err != nil {
		t.Fatal(err)
	}
	// Cash that does not reconcile with its components is refused.
	_, err := pool.Exec(ctx, `UPDATE "Accounts" SET "cash" = "cash" + 1`)
	if err == nil {
		t.Fatal("database accepted cash that does not reconcile")
	}
	_, err = pool.Exec(ctx, `UPDATE "Accounts" SET "cash" = "cash" - 2.5, "feesPaid" = "feesPaid" + 2.5`)
	if err != nil {
		t.Fatalf("reconciling update refused: %v", err)
	}
}
