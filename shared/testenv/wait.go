package testenv

import (
	"testing"
	"time"
)

// WaitFor calls cond until it returns nil, and fails the test with its last
// error if that has not happened within d. It is for what a test cannot be
// told about (a row another process writes, a page's state): anything that
// can signal completion should be waited on directly. It polls every 10 ms,
// so a state that holds only briefly is still seen.
func WaitFor(t testing.TB, d time.Duration, cond func() error) {
	t.Helper()
	if err := waitFor(d, cond); err != nil {
		t.Fatalf("not within %s: %v", d, err)
	}
}

// waitFor is WaitFor's loop, which reports instead of failing.
func waitFor(d time.Duration, cond func() error) error {
	deadline := time.Now().Add(d)
	for {
		err := cond()
		if err == nil || time.Now().After(deadline) {
			return err
		}
		time.Sleep(10 * time.Millisecond)
	}
}
