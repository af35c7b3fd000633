package arena

import (
	"errors"
	"fmt"
)

// Code classifies an error once, in the domain; adapters map codes to
// transport statuses (oRPC codes, HTTP statuses) in one place each.
type Code string

// Error codes.
const (
	CodeInvalid      Code = "invalid"      // the caller's input is wrong
	CodeNotFound     Code = "not_found"    // the thing asked for does not exist
	CodeConflict     Code = "conflict"     // the request contradicts current state
	CodeRejected     Code = "rejected"     // a valid order the exchange refuses (margin, stale book…)
	CodeUnauthorized Code = "unauthorized" // missing or wrong credentials
	CodeRateLimited  Code = "rate_limited" // too many requests
	CodeTimeout      Code = "timeout"      // the operation did not finish in time
	CodeUnavailable  Code = "unavailable"  // a dependency is down; retry later
	CodeInternal     Code = "internal"     // a bug or unexpected failure; details are logged, not shown
)

// Error is a coded domain error. Message is safe to show to a client.
type Error struct {
	Code    Code
	Message string
	Err     error // optional cause; never shown to clients
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns a coded error with a client-safe message.
func Errorf(code Code, format string, args ...any) error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// WrapError codes err with a client-safe message.
func WrapError(code Code, err error, format string, args ...any) error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Err: err}
}

// ErrorCode returns the code of the first *Error in err's chain, or
// CodeInternal when there is none.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// ErrorMessage returns the client-safe message of err: the message of its
// first *Error, or a generic text for uncoded (internal) errors.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
