package testenv

import (
	"errors"
	"testing"
	"time"
)

func TestWaitFor(t *testing.T) {
	calls := 0
	WaitFor(t, time.Minute, func() error {
		if calls++; calls < 3 {
			return errors.New("not yet")
		}
		return nil
	})
	if calls != 3 {
		t.Errorf("cond called %d times, want 3 (until it held)", calls)
	}
	err := waitFor(10*time.Millisecond, func() error { return errors.New("never") })
	if err == nil || err.Error() != "never" {
		t.Errorf("waitFor on a condition that never holds = %v, want its last error", err)
	}
}
