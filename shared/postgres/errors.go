package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgerrcode"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/autonome-go/autonome/shared/arena"
)

// Unavailable reports whether err means the server cannot serve right now
// rather than that it refused our SQL: it is shutting down or starting up
// (57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now,
// 57P05 idle session timeout), the connection failed (class 08), or it is
// out of resources (class 53: too many connections, out of memory or disk).
// A canceled statement (57014) is not: it is a timeout. Errors without a
// PostgreSQL code (refused dials, broken sockets) are the caller's to judge.
func Unavailable(err error) bool {
	var pg *pgconn.PgError
	if !errors.As(err, &pg) {
		return false
	}
	switch {
	case pg.Code == pgerrcode.QueryCanceled:
		return false
	case pgerrcode.IsOperatorIntervention(pg.Code), pgerrcode.IsConnectionException(pg.Code),
		pgerrcode.IsInsufficientResources(pg.Code):
		return true
	}
	return false
}

// Code says what a failed statement means to whoever asked: the database is
// unavailable (Unavailable, or no PostgreSQL code at all: the dial failed or
// the connection broke), the statement took too long (the caller's context
// ended, or the server canceled it: 57014), or the database refused our SQL
// (internal: a bug). An error that already carries an arena code keeps it.
func Code(err error) arena.Code {
	var coded *arena.Error
	var pg *pgconn.PgError
	switch {
	case errors.As(err, &coded):
		return coded.Code
	case Unavailable(err):
		return arena.CodeUnavailable
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded),
		errors.As(err, &pg) && pg.Code == pgerrcode.QueryCanceled:
		return arena.CodeTimeout
	case errors.As(err, &pg):
		return arena.CodeInternal
	}
	return arena.CodeUnavailable
}

// readErr wraps a read's failure with what was read and its Code, so that
// the Reader's callers answer a client without knowing PostgreSQL's errors.
func readErr(err error, format string, args ...any) error {
	return arena.WrapError(Code(err), err, format, args...)
}
