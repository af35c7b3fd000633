package retry

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"
)

func TestDelayBounds(t *testing.T) {
	for n := range 30 {
		d := Delay(n, 100*time.Millisecond, 2*time.Second)
		ceiling := min(100*time.Millisecond<<min(n, 20), 2*time.Second)
		if d < ceiling/2 || d > ceiling {
			t.Fatalf("Delay(%d) = %v, want within [%v, %v]", n, d, ceiling/2, ceiling)
		}
	}
}

func TestBackoffDoublesAndResets(t *testing.T) {
	b := Backoff{Min: time.Second, Max: 8 * time.Second}
	for i, ceiling := range []time.Duration{1, 2, 4, 8, 8} {
		ceiling *= time.Second
		if d := b.Next(); d < ceiling/2 || d > ceiling {
			t.Fatalf("wait %d = %v, want within [%v, %v]", i, d, ceiling/2, ceiling)
		}
	}
	b.Reset()
	if d := b.Next(); d > time.Second {
		t.Fatalf("after Reset: %v, want at most Min", d)
	}
}

func TestSleep(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		if err := Sleep(t.Context(), time.Minute); err != nil || time.Since(start) != time.Minute {
			t.Fatalf("Sleep = %v after %v, want nil after 1m", err, time.Since(start))
		}
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		if err := Sleep(ctx, time.Hour); !errors.Is(err, context.DeadlineExceeded) || time.Since(start) != time.Minute+time.Second {
			t.Fatalf("Sleep past the context = %v, want its error when it ends", err)
		}
	})
}
