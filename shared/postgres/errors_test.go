package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/postgres"
)

func TestUnavailable(t *testing.T) {
	for code, want := range map[string]bool{
		"57P01": true,  // admin_shutdown: terminating connection due to administrator command
		"57P02": true,  // crash_shutdown
		"57P03": true,  // cannot_connect_now: the database system is starting up / shutting down
		"08006": true,  // connection_failure
		"53300": true,  // too_many_connections
		"57014": false, // query_canceled: a timeout, not an outage
		"42P01": false, // undefined_table: our bug
		"22021": false, // character_not_in_repertoire: bad data
	} {
		err := fmt.Errorf("read: %w", &pgconn.PgError{Code: code})
		if got := postgres.Unavailable(err); got != want {
			t.Errorf("%s: Unavailable = %v, want %v", code, got, want)
		}
	}
	if postgres.Unavailable(errors.New("dial tcp: connection refused")) || postgres.Unavailable(context.Canceled) {
		t.Error("errors without a PostgreSQL code are the caller's to judge")
	}
}

// A failed read reaches the API's procedures as an arena code: they answer
// without knowing PostgreSQL's errors.
func TestCode(t *testing.T) {
	for _, c := range []struct {
		err  error
		want arena.Code
	}{
		{&pgconn.PgError{Code: "57P03"}, arena.CodeUnavailable},                        // starting up
		{&pgconn.PgError{Code: "53300"}, arena.CodeUnavailable},                        // too many connections
		{errors.New("dial tcp: connection refused"), arena.CodeUnavailable},            // no connection
		{&pgconn.PgError{Code: "57014"}, arena.CodeTimeout},                            // statement_timeout
		{fmt.Errorf("query: %w", context.DeadlineExceeded), arena.CodeTimeout},         // the caller's deadline
		{&pgconn.PgError{Code: "42P01"}, arena.CodeInternal},                           // our SQL is wrong
		{arena.Errorf(arena.CodeNotFound, "no season"), arena.CodeNotFound},            // already coded
		{fmt.Errorf("x: %w", arena.Errorf(arena.CodeTimeout, "t")), arena.CodeTimeout}, // coded deeper
	} {
		if got := postgres.Code(fmt.Errorf("read: %w", c.err)); got != c.want {
			t.Errorf("Code(%v) = %s, want %s", c.err, got, c.want)
		}
	}
}
