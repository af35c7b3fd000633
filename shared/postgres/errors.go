package postgres

import (
	"errors"

	"github.com/jackc/pgerrcode"
	"github.com/jackc/pgx/v5/pgconn"
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
