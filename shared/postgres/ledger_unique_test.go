package postgres_test

import (
	"errors"
	"testing"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/postgres"
)

// The database enforces client order ids: a later version of an order
// updates its row, a second order under the same id for the same account is
// refused and the batch is not applied.
func TestClientOrderIDIsUniquePerAccount(t *testing.T) {
	ctx, pool, model := oneModel(t)
	t0 := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	order := func(seq uint64, submitted time.Time, state arena.OrderState) arena.Batch {
		return arena.Batch{Seq: seq, Time: submitted, Orders: []arena.Order{{OrderRequest: arena.OrderRequest{AccountID: model,
			OrderID: "same", Symbol: "BTC", Side: arena.Long, Type: arena.OrderLimit, Quantity: arena.MustFixed("0.01"),
			Price: arena.FixedInt(90_000)}, State: state, SubmittedAt: submitted, UpdatedAt: submitted, Seq: seq}}}
	}
	b1 := order(1, t0, arena.OrderResting)
	if _, err := postgres.WriteBatch(ctx, pool, &b1); err != nil {
		t.Fatal(err)
	}
	b2 := order(2, t0, arena.OrderCancelled) // the same order, later
	if _, err := postgres.WriteBatch(ctx, pool, &b2); err != nil {
		t.Fatalf("a later version of the order: %v", err)
	}
	b3 := order(3, t0.Add(time.Hour), arena.OrderResting) // another order under the same id
	if _, err := postgres.WriteBatch(ctx, pool, &b3); !errors.Is(err, postgres.ErrDuplicateOrderID) {
		t.Fatalf("a second order under the same id: err = %v, want ErrDuplicateOrderID", err)
	}
	var status string
	var seq int64
	if err := pool.QueryRow(ctx, `SELECT o."status", s."batchSeq" FROM "SimOrders" o, "SimulatorState" s WHERE o."id" = 'same'`).Scan(&status, &seq); err != nil {
		t.Fatal(err)
	}
	if status != "CANCELLED" || seq != 2 {
		t.Fatalf("after the refused batch: status %s, batchSeq %d; want CANCELLED, 2", status, seq)
	}
}
