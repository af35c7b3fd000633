package redis

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

var setLoggerOnce sync.Once

// quietLogger receives go-redis's internal messages (one per failed dial
// while Redis is down, many a second) and passes each distinct message on at
// most once per window, with the number it swallowed. The arena's own parts
// log an outage once when it starts and once when it ends.
type quietLogger struct {
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
	slog.Warn("redis client", "msg", msg, "similarSuppressed", n)
}

func init() {
	setLoggerOnce.Do(func() {
		goredis.SetLogger(&quietLogger{window: 30 * time.Second, seen: map[string]*seenMsg{}})
	})
}
