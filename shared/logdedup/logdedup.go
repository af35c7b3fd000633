// Package logdedup keeps a repeated log message from flooding the log: a
// message (by key) passes at most once per window, and the next one that
// passes says how many were swallowed in between. Libraries that log every
// failed attempt while a dependency is down (go-redis, asynq) go through it.
package logdedup

import (
	"sync"
	"time"
)

// maxKeys bounds the distinct keys remembered; past it the memory starts
// over (a message may then pass early once).
const maxKeys = 1000

// Window passes each key at most once per its duration. The zero value is
// not usable; use New. Safe for concurrent use.
type Window struct {
	every time.Duration
	mu    sync.Mutex
	last  map[string]time.Time
	n     map[string]int
}

// New returns a window of every.
func New(every time.Duration) *Window {
	return &Window{every: every, last: map[string]time.Time{}, n: map[string]int{}}
}

// Allow reports whether the message keyed key may be logged at now, and
// how many were swallowed since it last was.
func (w *Window) Allow(key string, now time.Time) (ok bool, suppressed int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.last) > maxKeys {
		w.last, w.n = map[string]time.Time{}, map[string]int{}
	}
	if t, seen := w.last[key]; seen && now.Sub(t) < w.every {
		w.n[key]++
		return false, 0
	}
	n := w.n[key]
	w.last[key], w.n[key] = now, 0
	return true, n
}
