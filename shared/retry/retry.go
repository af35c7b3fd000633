// Package retry is how the arena waits between attempts: a sleep that ends
// with its context, and exponential backoff with equal jitter (half the
// delay fixed, half random), so that many clients failing together — models
// hitting one provider's limit, relays losing Redis, a feed losing its venue —
// do not retry in step.
//
// Every copy this replaced used equal jitter within [d/2, d]; the backoff of
// github.com/cenkalti/backoff randomizes around d and overshoots its cap by
// the randomization factor, which would lengthen the worst-case waits these
// callers document, so the ten lines live here.
package retry

import (
	"context"
	"math/rand/v2"
	"time"
)

// Sleep waits for d or until ctx ends, and then returns ctx.Err(): nil when
// the whole wait passed. A d of zero or less returns at once.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Delay is the wait before retry number n (0-based): base·2ⁿ capped at
// max, with equal jitter, so within [d/2, d].
func Delay(n int, base, max time.Duration) time.Duration {
	d := base << min(n, 20)
	if d <= 0 || d > max {
		d = max
	}
	half := d / 2
	if half <= 0 {
		return d
	}
	return half + rand.N(half+1)
}

// Backoff counts consecutive failures: Next is the wait after one more,
// Reset starts again from Min (after a success). The zero value waits
// nothing; set Min and Max. Not safe for concurrent use.
type Backoff struct {
	Min, Max time.Duration
	n        int
}

// Next returns the wait before the next attempt (Delay of the failures so
// far) and counts the failure.
func (b *Backoff) Next() time.Duration {
	d := Delay(b.n, b.Min, max(b.Min, b.Max))
	b.n++
	return d
}

// Reset forgets the failures.
func (b *Backoff) Reset() { b.n = 0 }
