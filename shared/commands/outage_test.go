package commands_test

import (
	"sync/atomic"
	"testing"
	"time"

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
