package logdedup_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/autonome-go/autonome/shared/logdedup"
)

func TestWindow(t *testing.T) {
	w := logdedup.New(30 * time.Second)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	steps := []struct {
		key  string
		at   time.Duration
		ok   bool
		supp int
	}{
		{"dial", 0, true, 0},
		{"dial", time.Second, false, 0},
		{"other", 2 * time.Second, true, 0},
		{"dial", 29 * time.Second, false, 0},
		{"dial", 30 * time.Second, true, 2},
		{"dial", 61 * time.Second, true, 0},
	}
	for i, s := range steps {
		ok, n := w.Allow(s.key, t0.Add(s.at))
		if ok != s.ok || n != s.supp {
			t.Fatalf("step %d (%s at %s): %v %d, want %v %d", i, s.key, s.at, ok, n, s.ok, s.supp)
		}
	}
}

func Example() {
	w := logdedup.New(time.Minute)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 5 {
		if ok, n := w.Allow("redis: dial refused", t0.Add(time.Duration(i)*20*time.Second)); ok {
			fmt.Printf("logged at +%ds, %d swallowed before\n", i*20, n)
		}
	}
	// Output:
	// logged at +0s, 0 swallowed before
	// logged at +60s, 2 swallowed before
}
