package postgres_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/autonome-go/autonome/shared/postgres"
	"github.com/autonome-go/autonome/shared/testenv"
)

// A second worker waits for the simulator lock instead of trading, and
// takes over when the first lets go.
func TestLeadershipIsExclusive(t *testing.T) {
	pool, _ := testenv.Postgres(t)
	ctx := testenv.Context(t, 30*time.Second)
	key := time.Now().UnixNano() // unique: advisory locks are server-wide
	first, err := postgres.AcquireLeadership(ctx, pool, key, 50*time.Millisecond, nil)
	if err != nil {
		t.Fatal(err)
	}
	var waited atomic.Bool
	got := make(chan *postgres.Leadership, 1)
	go func() {
		l, err := postgres.AcquireLeadership(ctx, pool, key, 50*time.Millisecond, func() { waited.Store(true) })
		if err != nil {
			t.Error(err)
		}
		got <- l
	}()
	select {
	case <-got:
		t.Fatal("a second leader acquired the lock while the first held it")
	case <-time.After(500 * time.Millisecond):
	}
	if !waited.Load() {
		t.Error("the waiting worker was not told that it waits")
	}
	first.Release()
	select {
	case l := <-got:
		l.Release()
	case <-time.After(5 * time.Second):
		t.Fatal("the second worker did not take over after the first released")
	}
	// A caller that gives up while waiting returns an error.
	third, _ := postgres.AcquireLeadership(ctx, pool, key, 50*time.Millisecond, nil)
	defer third.Release()
	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	if _, err := postgres.AcquireLeadership(short, pool, key, 50*time.Millisecond, nil); err == nil {
		t.Fatal("acquired a held lock")
	}
}
