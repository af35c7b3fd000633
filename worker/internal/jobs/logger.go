package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// asynqLogger adapts slog to asynq's logger. asynq logs at Fatal only in
// its examples; a Fatal here is logged as an error, never exits. While Redis
// is down asynq repeats the same error several times a second; a message
// already logged in the last 30 s is counted instead of logged again.
type asynqLogger struct {
	log  *slog.Logger
	seen *repeats
}

type repeats struct {
	mu   sync.Mutex
	last map[string]time.Time
	n    map[string]int
}

// allow reports whether msg may be logged now, and how many copies of it
// were swallowed since it last was.
func (r *repeats) allow(msg string, now time.Time) (bool, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.last == nil || len(r.last) > 1000 {
		r.last, r.n = map[string]time.Time{}, map[string]int{}
	}
	if t, ok := r.last[msg]; ok && now.Sub(t) < 30*time.Second {
		r.n[msg]++
		return false, 0
	}
	n := r.n[msg]
	r.last[msg], r.n[msg] = now, 0
	return true, n
}

func (l asynqLogger) Debug(args ...any) { l.out(slog.LevelDebug, args) }
func (l asynqLogger) Info(args ...any)  { l.out(slog.LevelInfo, args) }
func (l asynqLogger) Warn(args ...any)  { l.out(slog.LevelWarn, args) }
func (l asynqLogger) Error(args ...any) { l.out(slog.LevelError, args) }
func (l asynqLogger) Fatal(args ...any) { l.out(slog.LevelError, args) }

func (l asynqLogger) out(level slog.Level, args []any) {
	msg := fmt.Sprint(args...)
	if level >= slog.LevelWarn && l.seen != nil {
		ok, swallowed := l.seen.allow(msg, time.Now())
		if !ok {
			return
		}
		if swallowed > 0 {
			l.log.Log(context.Background(), level, msg, "repeatedSinceLastLog", swallowed)
			return
		}
	}
	l.log.Log(context.Background(), level, msg)
}
