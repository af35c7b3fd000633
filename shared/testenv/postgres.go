package testenv

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/autonome-go/autonome/schema"
	"github.com/autonome-go/autonome/shared/postgres"
)

// DatabaseURL returns the URL of the server the tests use; tests get their own
// databases on it, created from a migrated template.
func DatabaseURL() string {
	if u := env("TEST_DATABASE_URL", "DATABASE_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// Postgres returns a pool on a fresh, fully migrated database of its own,
// dropped when the test ends. Its URL is returned too, for tests that start
// processes.
func Postgres(t testing.TB) (*pgxpool.Pool, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	admin, err := pgx.Connect(ctx, DatabaseURL())
	if err != nil {
		unavailable(t, "PostgreSQL at "+redactURL(DatabaseURL()), err)
	}
	defer admin.Close(context.Background())

	tmpl, err := ensureTemplate(ctx, admin)
	if err != nil {
		t.Fatalf("prepare template database: %v", err)
	}
	name := UniqueName("test_")
	if err := createFrom(ctx, admin, name, tmpl); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	dbURL := withDatabase(DatabaseURL(), name)
	pool, err := postgres.Open(ctx, dbURL, postgres.Options{MaxConns: 8, ApplicationName: t.Name()})
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	t.Cleanup(func() {
		pool.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, DatabaseURL())
		if err != nil {
			return
		}
		defer conn.Close(ctx)
		_, _ = conn.Exec(ctx, `DROP DATABASE IF EXISTS "`+name+`" WITH (FORCE)`)
	})
	return pool, dbURL
}

// ensureTemplate creates, once per schema version, a migrated database that
// test databases are copied from, guarded by an advisory lock so concurrent
// test processes agree.
func ensureTemplate(ctx context.Context, admin *pgx.Conn) (string, error) {
	name := "autonome_tmpl_" + schemaHash()
	if _, err := admin.Exec(ctx, `SELECT pg_advisory_lock(727274)`); err != nil {
		return "", err
	}
	defer admin.Exec(context.Background(), `SELECT pg_advisory_unlock(727274)`)
	var exists bool
	if err := admin.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	building := name + "_building"
	_, _ = admin.Exec(ctx, `DROP DATABASE IF EXISTS "`+building+`" WITH (FORCE)`)
	if _, err := admin.Exec(ctx, `CREATE DATABASE "`+building+`"`); err != nil {
		return "", err
	}
	pool, err := postgres.Open(ctx, withDatabase(DatabaseURL(), building), postgres.Options{MaxConns: 2})
	if err != nil {
		return "", err
	}
	_, err = postgres.Migrate(ctx, pool)
	pool.Close()
	if err != nil {
		return "", err
	}
	if _, err := admin.Exec(ctx, `ALTER DATABASE "`+building+`" RENAME TO "`+name+`"`); err != nil {
		return "", err
	}
	return name, nil
}

func createFrom(ctx context.Context, admin *pgx.Conn, name, tmpl string) error {
	var err error
	for attempt := 0; attempt < 20; attempt++ {
		_, err = admin.Exec(ctx, `CREATE DATABASE "`+name+`" TEMPLATE "`+tmpl+`"`)
		if err == nil || !strings.Contains(err.Error(), "being accessed by other users") {
			return err
		}
		time.Sleep(100 * time.Millisecond)
	}
	return err
}

func schemaHash() string {
	h := sha256.New()
	_ = fs.WalkDir(schema.Migrations(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := fs.ReadFile(schema.Migrations(), p)
		fmt.Fprintf(h, "%s\n%s\n", p, b)
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))[:12]
}

func withDatabase(raw, db string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	u.Path = "/" + db
	return u.String()
}

func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparseable URL)"
	}
	return u.Redacted()
}
