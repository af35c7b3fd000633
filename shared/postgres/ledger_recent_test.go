package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/postgres"
	"github.com/autonome-go/autonome/shared/testenv"
)

// oneModel returns a fresh database seeded with one model, and its id.
func oneModel(t *testing.T) (context.Context, *pgxpool.Pool, string) {
	t.Helper()
	pool, _ := testenv.Postgres(t)
	ctx := testenv.Context(t, 30*time.Second)
	if _, err := postgres.Seed(ctx, pool, arena.DefaultRoster()[:1], arena.FixedInt(10_000)); err != nil {
		t.Fatal(err)
	}
	var model string
	if err := pool.QueryRow(ctx, `SELECT "id" FROM "Models"`).Scan(&model); err != nil {
		t.Fatal(err)
	}
	return ctx, pool, model
}

// The recently finished orders LoadState returns for idempotency are the
// clients' own: the exchange's exit and liquidation orders have no client id
// to retry and the exchange does not remember them, so restoring them would
// make a restarted exchange forget client ids sooner than one that ran
// straight through (found by the crash-equivalence test).
func TestLoadStateRecentOrdersAreTheClients(t *testing.T) {
	ctx, pool, model := oneModel(t)
	t0 := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	order := func(id string, seq uint64, trig arena.CloseTrigger) arena.Order {
		return arena.Order{OrderRequest: arena.OrderRequest{AccountID: model, OrderID: id, Symbol: "BTC", Side: arena.Long,
			Type: arena.OrderMarket, Quantity: arena.MustFixed("0.01")}, State: arena.OrderRejected, Trigger: trig,
			Reason: "no liquidity available", SubmittedAt: t0, UpdatedAt: t0, Seq: seq}
	}
	b := arena.Batch{Seq: 1, Time: t0, Orders: []arena.Order{order("client", 1, ""), order("p1/target/2", 2, arena.TriggerTarget)}}
	if _, err := postgres.WriteBatches(ctx, pool, []arena.Batch{b}); err != nil {
		t.Fatal(err)
	}
	st, err := postgres.LoadState(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	if r := st.Accounts[0].Recent; len(r) != 1 || r[0].OrderID != "client" {
		t.Fatalf("recent orders: %+v, want only the client's", r)
	}
}
