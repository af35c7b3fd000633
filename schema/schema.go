// Package schema holds the database's forward-only SQL migrations, embedded in
// the binary, and applies them with goose.
package schema

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrations returns the embedded migration files.
func Migrations() fs.FS {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		panic(err) // the embedded folder always exists
	}
	return sub
}

// Migrate applies every pending migration to db (a database/sql handle on
// PostgreSQL). It is safe to run from several processes at once: goose takes
// a Postgres advisory lock for the duration.
func Migrate(ctx context.Context, db *sql.DB) ([]string, error) {
	// Out of order: migrations are numbered in ranges per line of work, so a
	// database migrated while one line had landed can meet a lower number
	// later; each migration stands alone, so it still applies.
	p, err := goose.NewProvider(goose.DialectPostgres, db, Migrations(),
		goose.WithSessionLocker(mustLocker()), goose.WithAllowOutofOrder(true))
	if err != nil {
		return nil, fmt.Errorf("prepare migrations: %w", err)
	}
	results, err := p.Up(ctx)
	if err != nil {
		return nil, fmt.Errorf("apply migrations: %w", err)
	}
	applied := make([]string, 0, len(results))
	for _, r := range results {
		applied = append(applied, r.Source.Path)
	}
	return applied, nil
}
