package redis

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// quietLogger receives go-redis's internal messages (one per failed dial
// while Redis is down, many a second) and passes each distinct message on at
// most once per window, with the number it swallowed. The arena's own parts
// log an outage once when it starts and once when it ends.
type quietLogger struct {
	log    *slog.Logger
	window time.Duration
	mu     sync.Mutex
	seen   map[string]*seenMsg
}

type seenMsg struct {
	at         time.Time
	suppressed int
}

func (q *quietLogger) Printf(_ context.Context, format string, v ...any) {
	msg := fmt.Sprintf(format, v...)
	q.mu.Lock()
	s, ok := q.seen[format]
	now := time.Now()
	if ok && now.Sub(s.at) < q.window {
		s.suppressed++
		q.mu.Unlock()
		return
	}
	n := 0
	if ok {
		n = s.suppressed
	}
	if len(q.seen) > 1000 {
		q.seen = map[string]*seenMsg{}
	}
	q.seen[format] = &seenMsg{at: now}
	q.mu.Unlock()
	q.log.Warn("redis client", "msg", msg, "similarSuppressed", n)
}

// UseLogger sends go-redis's internal messages to log (with the binary's
// level and component), each distinct message at most once per 30 s. The
// library's logger is process-wide, so a binary's run function calls this
// once, after building its logger; without it go-redis writes to stderr.
func UseLogger(log *slog.Logger) {
	goredis.SetLogger(&quietLogger{log: log.With("part", "redis"), window: 30 * time.Second, seen: map[string]*seenMsg{}})
}
