package commands_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/commands"
	"github.com/autonome-go/autonome/shared/commands/commandstest"
	"github.com/autonome-go/autonome/shared/testenv"
)

var at = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func order(id string) commands.PlaceOrder {
	conf := 70.0
	return commands.PlaceOrder{
		AccountID: "acct-1", ClientOrderID: id, Symbol: "BTC", Side: arena.Long, Type: arena.OrderMarket,
		Quantity: arena.MustFixed("0.01"), Leverage: arena.FixedInt(3), Confidence: &conf,
		RequestedAt: time.Now(), ExpiresAt: time.Now().Add(10 * time.Second),
	}
}

// fill answers every order with a canned fill and counts executions.
func fill(calls *atomic.Int32) commands.PlaceOrderFunc {
	return func(_ context.Context, p commands.PlaceOrder) (commands.PlaceOrderResult, error) {
		calls.Add(1)
		return commands.PlaceOrderResult{Order: &commands.OrderResult{
			ClientOrderID: p.ClientOrderID, AccountID: p.AccountID, Symbol: p.Symbol, Side: p.Side, Type: p.Type,
			Status: arena.OrderFilled, Quantity: p.Quantity, FilledQuantity: p.Quantity,
			AveragePrice: arena.MustFixed("97000.5"), Fees: arena.MustFixed("0.271601"),
			SubmittedAt: at, UpdatedAt: at.Add(300 * time.Millisecond),
		}}, nil
	}
}

func setup(t *testing.T, h commandstest.Handlers) *commands.Client {
	t.Helper()
	rdb, prefix := testenv.Redis(t)
	queue := commandstest.Queue(prefix)
	if h.PlaceOrder != nil || h.ResetAccount != nil {
		commandstest.Worker(t, rdb, queue, h)
	}
	return commands.NewClient(rdb, queue)
}

func TestPlaceOrderRoundTrip(t *testing.T) {
	var calls atomic.Int32
	c := setup(t, commandstest.Handlers{PlaceOrder: fill(&calls)})
	ctx := testenv.Context(t, 10*time.Second)

	got, err := c.PlaceOrder(ctx, order("co-1"))
	if err != nil {
		t.Fatal(err)
	}
	want := commands.OrderResult{
		ClientOrderID: "co-1", AccountID: "acct-1", Symbol: "BTC", Side: arena.Long, Type: arena.OrderMarket,
		Status: arena.OrderFilled, Quantity: arena.MustFixed("0.01"), FilledQuantity: arena.MustFixed("0.01"),
		AveragePrice: arena.MustFixed("97000.5"), Fees: arena.MustFixed("0.271601"),
		SubmittedAt: at, UpdatedAt: at.Add(300 * time.Millisecond),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("result (-want +got):\n%s", diff)
	}

	// A retry with the same client order id returns the same result and
	// does not execute the order again.
	again := order("co-1")
	again.RequestedAt = time.Now()
	got2, err := c.PlaceOrder(ctx, again)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got2); diff != "" {
		t.Fatalf("retried result (-want +got):\n%s", diff)
	}
	if n := calls.Load(); n != 1 {
		t.Fatalf("order executed %d times, want 1", n)
	}

	// The same id for a different order is a conflict.
	other := order("co-1")
	other.Quantity = arena.MustFixed("0.02")
	if _, err := c.PlaceOrder(ctx, other); arena.ErrorCode(err) != arena.CodeConflict {
		t.Fatalf("reused id for another order: err %v, want conflict", err)
	}
}

func TestPlaceOrderWorkerFailures(t *testing.T) {
	c := setup(t, commandstest.Handlers{PlaceOrder: func(_ context.Context, p commands.PlaceOrder) (commands.PlaceOrderResult, error) {
		switch p.ClientOrderID {
		case "unknown-account":
			return commands.PlaceOrderResult{Failure: &commands.Failure{Code: arena.CodeNotFound, Message: "account acct-1 does not exist"}}, nil
		case "empty":
			return commands.PlaceOrderResult{}, nil
		}
		return commands.PlaceOrderResult{}, errors.New("database is on fire")
	}})
	ctx := testenv.Context(t, 10*time.Second)

	_, err := c.PlaceOrder(ctx, order("unknown-account"))
	if arena.ErrorCode(err) != arena.CodeNotFound || arena.ErrorMessage(err) != "account acct-1 does not exist" {
		t.Fatalf("worker failure: %v (code %s)", err, arena.ErrorCode(err))
	}
	_, err = c.PlaceOrder(ctx, order("crash"))
	if arena.ErrorCode(err) != arena.CodeInternal || arena.ErrorMessage(err) != "the worker failed to execute the command" {
		t.Fatalf("worker error: %v (code %s, message %q)", err, arena.ErrorCode(err), arena.ErrorMessage(err))
	}
	_, err = c.PlaceOrder(ctx, order("empty"))
	if arena.ErrorCode(err) != arena.CodeInternal {
		t.Fatalf("empty result: %v", err)
	}
}

func TestPlaceOrderTimesOutAndNeverExecutesLate(t *testing.T) {
	rdb, prefix := testenv.Redis(t)
	queue := commandstest.Queue(prefix)
	c := commands.NewClient(rdb, queue)
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	o := order("late-1")
	o.ExpiresAt = time.Now().Add(300 * time.Millisecond)

	_, err := c.PlaceOrder(ctx, o) // no worker is running
	if arena.ErrorCode(err) != arena.CodeTimeout {
		t.Fatalf("err %v, want timeout", err)
	}

	// A worker that comes up later refuses the expired command and never
	// executes it; a retry with the same id reports that.
	var calls atomic.Int32
	commandstest.Worker(t, rdb, queue, commandstest.Handlers{PlaceOrder: fill(&calls)})
	// That outcome is final (CONFLICT: the id is spent, not TIMEOUT, which
	// tells the client to send the same id again) and remembered: every
	// resend answers it.
	for range 2 {
		retry := order("late-1")
		_, err = c.PlaceOrder(testenv.Context(t, 10*time.Second), retry)
		if arena.ErrorCode(err) != arena.CodeConflict || !strings.Contains(arena.ErrorMessage(err), "not executed") {
			t.Fatalf("expired command: err %v, want conflict (expired, not executed)", err)
		}
	}
	if n := calls.Load(); n != 0 {
		t.Fatalf("expired order executed %d times", n)
	}
}

func TestResetAccountRoundTrip(t *testing.T) {
	c := setup(t, commandstest.Handlers{ResetAccount: func(_ context.Context, r commands.ResetAccount) (commands.ResetAccountResult, error) {
		return commands.ResetAccountResult{Reset: &commands.ResetOutcome{
			AccountID: r.AccountID, Capital: arena.FixedInt(10_000), Epoch: 3, ClosedPositions: 2, ResetAt: at,
		}}, nil
	}})
	ctx := testenv.Context(t, 10*time.Second)
	got, err := c.ResetAccount(ctx, commands.ResetAccount{AccountID: "acct-9", RequestID: "r-1", RequestedAt: time.Now(), ExpiresAt: time.Now().Add(10 * time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	want := commands.ResetOutcome{AccountID: "acct-9", Capital: arena.FixedInt(10_000), Epoch: 3, ClosedPositions: 2, ResetAt: at}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("reset (-want +got):\n%s", diff)
	}
}

func TestValidation(t *testing.T) {
	c := setup(t, commandstest.Handlers{})
	ctx := testenv.Context(t, 5*time.Second)
	for name, mutate := range map[string]func(*commands.PlaceOrder){
		"no account":        func(p *commands.PlaceOrder) { p.AccountID = "" },
		"bad id":            func(p *commands.PlaceOrder) { p.ClientOrderID = "has space" },
		"long id":           func(p *commands.PlaceOrder) { p.ClientOrderID = string(make([]byte, 65)) },
		"zero quantity":     func(p *commands.PlaceOrder) { p.Quantity = 0 },
		"bad side":          func(p *commands.PlaceOrder) { p.Side = "UP" },
		"limit no price":    func(p *commands.PlaceOrder) { p.Type = arena.OrderLimit },
		"market with price": func(p *commands.PlaceOrder) { p.LimitPrice = arena.FixedInt(1) },
		"bad type":          func(p *commands.PlaceOrder) { p.Type = "STOP" },
		"confidence > 100":  func(p *commands.PlaceOrder) { v := 101.0; p.Confidence = &v },
	} {
		o := order("v-1")
		mutate(&o)
		if _, err := c.PlaceOrder(ctx, o); arena.ErrorCode(err) != arena.CodeInvalid {
			t.Errorf("%s: err %v, want invalid", name, err)
		}
	}
}

func TestQueueCarriesPrefix(t *testing.T) {
	if got := commands.Queue(""); got != "commands" {
		t.Fatalf("Queue(\"\") = %q", got)
	}
	if got := commands.Queue("arena2:"); got != "arena2:commands" {
		t.Fatalf("Queue(prefix) = %q", got)
	}
}
