package relay

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"testing/synctest"
	"time"
)

// TestNothingOutlivesRun: New starts nothing, and once Run has returned no
// goroutine of the relay is left, even when a stream never ended and
// Shutdown gave up waiting for it. synctest fails the test if any goroutine
// started inside the bubble is still blocked when it ends.
func TestNothingOutlivesRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(nopLog{}, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if !s.enter() { // a stream that never ends
			t.Fatal("enter refused before shutdown")
		}
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() { done <- s.Run(ctx) }()
		synctest.Wait()

		sctx, scancel := context.WithTimeout(t.Context(), time.Second)
		defer scancel()
		if err := s.Shutdown(sctx); err == nil {
			t.Fatal("Shutdown returned nil with a stream still open")
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("Run: %v", err)
		}
	})
}

// TestNewStartsNothing: a relay that is never run leaves nothing behind.
func TestNewStartsNothing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		_ = New(nopLog{}, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	})
}
