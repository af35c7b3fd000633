package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

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
