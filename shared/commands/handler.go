package commands

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/hibiken/asynq"

	"github.com/autonome-go/autonome/shared/arena"
)

// PlaceOrderFunc executes an order on the worker. It returns a Failure in
// the result for refusals the caller should see (unknown account...), an
// Order (possibly REJECTED) otherwise, and an error only for internal
// failures, which are logged by asynq and reported to the caller as such.
type PlaceOrderFunc func(context.Context, PlaceOrder) (PlaceOrderResult, error)

// ResetAccountFunc executes a reset on the worker, with PlaceOrderFunc's
// conventions.
type ResetAccountFunc func(context.Context, ResetAccount) (ResetAccountResult, error)

// LiveKillFunc turns a live model's kill switch on, with PlaceOrderFunc's
// conventions.
type LiveKillFunc func(context.Context, LiveKill) (LiveKillResult, error)

// KnownFunc reports whether a client order id already has an outcome on
// the worker (it executed, in memory or in the ledger).
type KnownFunc func(ctx context.Context, accountID, clientOrderID string) (bool, error)

// PlaceOrderHandler adapts fn into the asynq handler of TypePlaceOrder:
// it decodes and validates the payload, refuses commands received after
// their expiry (ErrExpired: not executed) and writes the result with the
// task's ResultWriter. now is the worker's clock. With known, an expired
// command whose id already executed (a task delivered again after its
// worker stopped mid-command) is answered with fn's recorded outcome, never
// "not executed"; when known cannot tell, the answer is UNAVAILABLE (retry).
func PlaceOrderHandler(fn PlaceOrderFunc, now func() time.Time, known ...KnownFunc) asynq.Handler {
	return asynq.HandlerFunc(func(ctx context.Context, t *asynq.Task) error {
		var p PlaceOrder
		if f := decode(t.Payload(), &p, p.Validate); f != nil {
			return write(t, PlaceOrderResult{Failure: f})
		}
		if f := expired(p.ExpiresAt, now); f != nil {
			if f := expiredOrder(ctx, p, f, known); f != nil {
				return write(t, PlaceOrderResult{Failure: f})
			}
		}
		res, err := fn(ctx, p)
		if err != nil {
			return fmt.Errorf("place order %s: %w: %w", p.ClientOrderID, err, asynq.SkipRetry)
		}
		return write(t, res)
	})
}

// ResetAccountHandler adapts fn into the asynq handler of TypeResetAccount,
// as PlaceOrderHandler does.
func ResetAccountHandler(fn ResetAccountFunc, now func() time.Time) asynq.Handler {
	return asynq.HandlerFunc(func(ctx context.Context, t *asynq.Task) error {
		var r ResetAccount
		if f := decode(t.Payload(), &r, r.Validate); f != nil {
			return write(t, ResetAccountResult{Failure: f})
		}
		if f := expired(r.ExpiresAt, now); f != nil {
			return write(t, ResetAccountResult{Failure: f})
		}
		res, err := fn(ctx, r)
		if err != nil {
			return fmt.Errorf("reset account %s: %w: %w", r.AccountID, err, asynq.SkipRetry)
		}
		return write(t, res)
	})
}

// LiveKillHandler adapts fn into the asynq handler of TypeLiveKill. A
// kill is never refused for being late: stopping trading late is still
// what the caller asked for.
func LiveKillHandler(fn LiveKillFunc) asynq.Handler {
	return asynq.HandlerFunc(func(ctx context.Context, t *asynq.Task) error {
		var k LiveKill
		if f := decode(t.Payload(), &k, k.Validate); f != nil {
			return write(t, LiveKillResult{Failure: f})
		}
		res, err := fn(ctx, k)
		if err != nil {
			return fmt.Errorf("live kill %s: %w: %w", k.RequestID, err, asynq.SkipRetry)
		}
		return write(t, res)
	})
}

// expiredOrder returns the answer to an expired order: f, unless the id
// already executed (nil: run fn, which answers the recorded outcome).
func expiredOrder(ctx context.Context, p PlaceOrder, f *Failure, known []KnownFunc) *Failure {
	for _, k := range known {
		ok, err := k(ctx, p.AccountID, p.ClientOrderID)
		if err != nil {
			return &Failure{Code: arena.CodeUnavailable, Message: "the ledger database is unavailable; try again shortly"}
		}
		if ok {
			return nil
		}
	}
	return f
}

func decode(payload []byte, v any, validate func() error) *Failure {
	if err := json.Unmarshal(payload, v); err != nil {
		return &Failure{Code: arena.CodeInvalid, Message: "the command is malformed"}
	}
	if err := validate(); err != nil {
		return &Failure{Code: arena.ErrorCode(err), Message: arena.ErrorMessage(err)}
	}
	return nil
}

func expired(at time.Time, now func() time.Time) *Failure {
	if !at.IsZero() && now().After(at) {
		return ErrExpired
	}
	return nil
}

func write(t *asynq.Task, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode result: %w: %w", err, asynq.SkipRetry)
	}
	if _, err := t.ResultWriter().Write(b); err != nil {
		return fmt.Errorf("write result: %w", err)
	}
	return nil
}
