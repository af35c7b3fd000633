// Package postgres is the pgx/v5 adapter: the connection pool, migrations,
// the seed, and the SQL that reads and writes the arena's tables. Rows are
// converted to arena types here; pgx types never leave the package.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/autonome-go/autonome/schema"
)

// Options tune the pool for where it runs.
type Options struct {
	// MaxConns caps the pool (0: pgx's default of max(4, NumCPU)). A Lambda
	// execution environment handles one request at a time, so 1–2 suffice.
	MaxConns int32
	// NoStatementCache selects the exec query mode, which never prepares
	// named statements: required behind RDS Proxy or PgBouncer in
	// transaction mode, where prepared statements pin connections.
	NoStatementCache bool
	// ApplicationName is reported in pg_stat_activity.
	ApplicationName string
	// Lazy skips the start-up ping: the pool dials on first use, so a
	// process can start while the database is down and serve errors until
	// it returns (and a Lambda cold start does not wait for a dial).
	Lazy bool
}

// Open parses url, builds a pool and checks the server answers. The pool
// reconnects by itself after a server restart; callers see errors meanwhile.
func Open(ctx context.Context, url string, opts Options) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse DATABASE_URL: %w", err)
	}
	if opts.MaxConns > 0 {
		cfg.MaxConns = opts.MaxConns
	}
	if opts.NoStatementCache {
		cfg.ConnConfig.DefaultQueryExecMode = pgx.QueryExecModeExec
		cfg.ConnConfig.StatementCacheCapacity = 0
		cfg.ConnConfig.DescriptionCacheCapacity = 0
	}
	if opts.ApplicationName != "" {
		cfg.ConnConfig.RuntimeParams["application_name"] = opts.ApplicationName
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = 5 * time.Second
	}
	cfg.HealthCheckPeriod = 15 * time.Second
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("create pool: %w", err)
	}
	if opts.Lazy {
		return pool, nil
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("ping postgres: %w", err)
	}
	return pool, nil
}

// Migrate applies the embedded migrations through pool.
func Migrate(ctx context.Context, pool *pgxpool.Pool) ([]string, error) {
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	return schema.Migrate(ctx, db)
}

// Tx runs fn in a transaction, committing when fn returns nil.
func Tx(ctx context.Context, pool *pgxpool.Pool, fn func(pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, pool, fn)
}

// IsNotFound reports whether err means "no rows".
func IsNotFound(err error) bool { return errors.Is(err, pgx.ErrNoRows) }
