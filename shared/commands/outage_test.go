package commands_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/commands"
	"github.com/autonome-go/autonome/shared/commands/commandstest"
	"github.com/autonome-go/autonome/shared/testenv"
)

// After Redis loses its data (a restart without persistence, a failover,
// a flush), asynq's record that the commands queue exists is gone while the
// client still believes it registered it. Commands keep working: the answer
// is the worker's result, not "the command disappeared" for an order that
// executed.
func TestCommandsSurviveALostQueueRegistration(t *testing.T) {
	var calls atomic.Int32
	rdb, prefix := testenv.Redis(t)
	queue := commandstest.Queue(prefix)
	commandstest.Worker(t, rdb, queue, commandstest.Handlers{PlaceOrder: fill(&calls)})
	c := commands.NewClient(rdb, queue)
	ctx := testenv.Context(t, 20*time.Second)
	if _, err := c.PlaceOrder(ctx, order("before")); err != nil {
		t.Fatal(err)
	}
	// What Redis losing everything does to the registry of queues (only
	// this test's queue: the Redis is shared).
	if err := rdb.SRem(ctx, "asynq:queues", queue).Err(); err != nil {
		t.Fatal(err)
	}
	got, err := c.PlaceOrder(ctx, order("after"))
	if err != nil {
		t.Fatalf("an order after the queue registry was lost: %v", err)
	}
	if got.ClientOrderID != "after" || calls.Load() != 2 {
		t.Fatalf("result %+v after %d executions", got, calls.Load())
	}
}

// A temporary failure (the ledger database unavailable) is not remembered
// as the outcome of the id: once the database is back, the same id runs.
func TestTemporaryFailureIsNotTheOutcome(t *testing.T) {
	var calls atomic.Int32
	var down atomic.Bool
	down.Store(true)
	ok := fill(&calls)
	c := setup(t, commandstest.Handlers{PlaceOrder: func(ctx context.Context, p commands.PlaceOrder) (commands.PlaceOrderResult, error) {
		if down.Load() {
			return commands.PlaceOrderResult{Failure: &commands.Failure{Code: arena.CodeUnavailable,
				Message: "the ledger database is unavailable; try again shortly"}}, nil
		}
		return ok(ctx, p)
	}})
	ctx := testenv.Context(t, 20*time.Second)
	if _, err := c.PlaceOrder(ctx, order("later")); arena.ErrorCode(err) != arena.CodeUnavailable {
		t.Fatalf("while the database is down: %v, want unavailable", err)
	}
	down.Store(false)
	got, err := c.PlaceOrder(ctx, order("later"))
	if err != nil || got.FilledQuantity != order("later").Quantity || calls.Load() != 1 {
		t.Fatalf("the same id once the database is back: %+v, %v (executions %d)", got, err, calls.Load())
	}
}

// The worker's "did not finish in time; it may still execute" is not an
// outcome either: the same id sent again asks the worker again (it answers
// a client order id it knows with its recorded result), instead of hearing
// "may still execute" for as long as results are kept.
func TestUnknownOutcomeIsNotRemembered(t *testing.T) {
	var calls atomic.Int32
	ok := fill(&calls)
	c := setup(t, commandstest.Handlers{PlaceOrder: func(ctx context.Context, p commands.PlaceOrder) (commands.PlaceOrderResult, error) {
		if calls.Add(1) == 1 {
			return commands.PlaceOrderResult{Failure: &commands.Failure{Code: arena.CodeTimeout,
				Message: "the simulator did not finish in time; the command may still execute"}}, nil
		}
		return ok(ctx, p)
	}})
	ctx := testenv.Context(t, 20*time.Second)
	if _, err := c.PlaceOrder(ctx, order("slow")); arena.ErrorCode(err) != arena.CodeTimeout {
		t.Fatalf("first answer: %v, want timeout", err)
	}
	got, err := c.PlaceOrder(ctx, order("slow"))
	if err != nil || got.FilledQuantity != order("slow").Quantity {
		t.Fatalf("the same id sent again: %+v, %v (worker asked %d times)", got, err, calls.Load())
	}
}
