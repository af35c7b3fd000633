package redis

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/autonome-go/autonome/shared/logdedup"
)

// quietLogger receives go-redis's internal messages (one per failed dial
// while Redis is down, many a second) and passes each distinct message on at
// most once per window, with the number it swallowed. The arena's own parts
// log an outage once when it starts and once when it ends.
type quietLogger struct {
	log  *slog.Logger
	seen *logdedup.Window
}

func (q *quietLogger) Printf(_ context.Context, format string, v ...any) {
	ok, n := q.seen.Allow(format, time.Now())
	if !ok {
		return
	}
	q.log.Warn("redis client", "msg", fmt.Sprintf(format, v...), "similarSuppressed", n)
}

// UseLogger sends go-redis's internal messages to log (with the binary's
// level and component), each distinct message at most once per 30 s. The
// library's logger is process-wide, so a binary's run function calls this
// once, after building its logger; without it go-redis writes to stderr.
func UseLogger(log *slog.Logger) {
	goredis.SetLogger(&quietLogger{log: log.With("part", "redis"), seen: logdedup.New(30 * time.Second)})
}
