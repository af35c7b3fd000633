// Package testenv gives tests real PostgreSQL and Redis connections. Where a
// service cannot be reached the test fails when CI=true (so CI never passes by
// skipping) and is skipped otherwise, with a message saying how to start it.
//
// Addresses come from TEST_DATABASE_URL / DATABASE_URL and TEST_REDIS_URL /
// REDIS_URL, defaulting to the local services on their standard ports; the
// Makefile sets them to the instances it started.
package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"
)

func env(keys ...string) string {
	for _, k := range keys {
		if v := os.Getenv(k); v != "" {
			return v
		}
	}
	return ""
}

// unavailable fails (CI) or skips (elsewhere) a test whose service is missing.
func unavailable(t testing.TB, what string, err error) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is required when CI=true but cannot be reached: %v", what, err)
	}
	t.Skipf("%s not reachable (%v); run the tests with `make test`, which starts it", what, err)
}

// Context returns a context cancelled when the test ends, with a deadline.
func Context(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// UniqueName returns a short random name for isolating a test's keys or databases.
func UniqueName(prefix string) string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}
