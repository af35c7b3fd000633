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

// PlaceOrderHandler adapts fn into the asynq handler of TypePlaceOrder:
// it decodes and validates the payload, refuses commands received after
// their expiry (the caller was already told TIMEOUT) and writes the result
// with the task's ResultWriter. now is the worker's clock.
func PlaceOrderHandler(fn PlaceOrderFunc, now func() time.Time) asynq.Handler {
	return asynq.HandlerFunc(func(ctx context.Context, t *asynq.Task) error {
		var p PlaceOrder
		if f := decode(t.Payload(), &p, p.Validate); f != nil {
			return write(t, PlaceOrderResult{Failure: f})
		}
		if f := expired(p.ExpiresAt, now); f != nil {
			return write(t, PlaceOrderResult{Failure: f})
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
