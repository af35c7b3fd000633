package llm

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

// Error is a failed turn or provider call. Reason is the recorded failure
// reason; Code refines it ("http_429", "empty_reply"…). Message is safe to
// store and show: it never carries a key.
type Error struct {
	Reason     arena.FailureReason
	Code       string
	Status     int           // HTTP status, when there was one
	RetryAfter time.Duration // the provider's Retry-After, when given
	Message    string
	Err        error
	transient  bool
}

func (e *Error) Error() string {
	msg := string(e.Reason) + " (" + e.Code + "): " + e.Message
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// Transient reports whether the same request could succeed later (rate
// limits, 5xx, timeouts, network errors). Permanent errors (a bad key, a bad
// request, an unusable model reply) should not be retried by a job runner.
func (e *Error) Transient() bool { return e.transient }

// Failure is the recorded form of e.
func (e *Error) Failure() *arena.Failure {
	return &arena.Failure{Reason: e.Reason, Code: e.Code, Message: e.Message}
}

// IsTransient reports whether err is an *Error that is transient.
func IsTransient(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.transient
}

func transientErr(reason arena.FailureReason, code, msg string, err error) *Error {
	return &Error{Reason: reason, Code: code, Message: msg, Err: err, transient: true}
}

func permanentErr(reason arena.FailureReason, code, msg string, err error) *Error {
	return &Error{Reason: reason, Code: code, Message: msg, Err: err}
}

// contextErr converts the end of the caller's context into a timeout.
func contextErr(err error) *Error {
	if errors.Is(err, context.Canceled) {
		return transientErr(arena.FailureTimeout, "canceled", "the turn was cancelled", err)
	}
	return transientErr(arena.FailureTimeout, "deadline", "the turn ran out of time", err)
}

func statusErr(status int, retryAfter time.Duration, providerMsg string) *Error {
	e := &Error{Reason: arena.FailureProviderError, Code: fmt.Sprintf("http_%d", status), Status: status, RetryAfter: retryAfter,
		Message: fmt.Sprintf("provider answered HTTP %d", status)}
	if providerMsg != "" {
		e.Message += ": " + providerMsg
	}
	e.transient = status == 408 || status == 409 || status == 425 || status == 429 || status >= 500
	return e
}
