package marketdata

import "time"

// Clock tells the time and waits. The deterministic feeds (synthetic, tape
// replay) take one instead of reading the wall clock, so tests can drive
// them; SystemClock is the real one.
type Clock interface {
	Now() time.Time
	// After returns a channel that receives once d has elapsed, like time.After.
	After(d time.Duration) <-chan time.Time
}

// SystemClock returns the wall clock.
func SystemClock() Clock { return systemClock{} }

type systemClock struct{}

func (systemClock) Now() time.Time                         { return time.Now() }
func (systemClock) After(d time.Duration) <-chan time.Time { return time.After(d) }
