package rpc

import (
	"errors"
	"net/http"

	"github.com/autonome-go/autonome/shared/arena"
)

// wireError is the "json" member of an oRPC error response.
type wireError struct {
	Defined bool   `json:"defined"`
	Code    string `json:"code"`
	Status  int    `json:"status"`
	Message string `json:"message"`
	Data    any    `json:"data,omitempty"`
}

// Issue is one input validation problem, listed in a BAD_REQUEST's data.
type Issue struct {
	Path    []any  `json:"path"`
	Message string `json:"message"`
}

// Error is a protocol-level error with an oRPC code.
type Error struct {
	Code    string
	Status  int
	Message string
	Data    any
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Invalid returns a BAD_REQUEST listing issues, for procedures' Validate methods.
func Invalid(issues ...Issue) error {
	msg := "input validation failed"
	if len(issues) == 1 {
		msg = issues[0].Message
	}
	return &Error{Code: "BAD_REQUEST", Status: http.StatusBadRequest, Message: msg, Data: map[string]any{"issues": issues}}
}

// codes maps domain error codes to oRPC codes and HTTP statuses; it is the
// one place where that mapping lives.
var codes = map[arena.Code]struct {
	code   string
	status int
}{
	arena.CodeInvalid:      {"BAD_REQUEST", http.StatusBadRequest},
	arena.CodeNotFound:     {"NOT_FOUND", http.StatusNotFound},
	arena.CodeConflict:     {"CONFLICT", http.StatusConflict},
	arena.CodeRejected:     {"UNPROCESSABLE_CONTENT", http.StatusUnprocessableEntity},
	arena.CodeUnauthorized: {"UNAUTHORIZED", http.StatusUnauthorized},
	arena.CodeRateLimited:  {"TOO_MANY_REQUESTS", http.StatusTooManyRequests},
	arena.CodeTimeout:      {"TIMEOUT", http.StatusRequestTimeout},
	arena.CodeUnavailable:  {"SERVICE_UNAVAILABLE", http.StatusServiceUnavailable},
	arena.CodeInternal:     {"INTERNAL_SERVER_ERROR", http.StatusInternalServerError},
}

// toWire converts any error to its wire form. Messages of internal errors
// are never sent; the caller logs them.
func toWire(err error) wireError {
	var pe *Error
	if errors.As(err, &pe) {
		return wireError{Code: pe.Code, Status: pe.Status, Message: pe.Message, Data: pe.Data}
	}
	c, ok := codes[arena.ErrorCode(err)]
	if !ok {
		c = codes[arena.CodeInternal]
	}
	return wireError{Code: c.code, Status: c.status, Message: arena.ErrorMessage(err)}
}
