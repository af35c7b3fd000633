package rpc

import (
	"context"
	"log/slog"
	"time"

	"github.com/autonome-go/autonome/shared/logdedup"
)

// outageLogInterval is how often an ongoing outage is logged.
const outageLogInterval = 10 * time.Second

// outageLog logs the failures of an outage (a database or Redis that is
// down, requests timing out) at most once per interval (shared/logdedup),
// with how many occurred since the last line: hundreds of requests failing
// in seconds are one situation, not hundreds of ERROR lines.
type outageLog struct{ seen *logdedup.Window }

func newOutageLog(interval time.Duration) *outageLog {
	return &outageLog{seen: logdedup.New(interval)}
}

// log records one failure and writes a line when one is due.
func (o *outageLog) log(l *slog.Logger, level slog.Level, msg string, args ...any) {
	ok, swallowed := o.seen.Allow(msg, time.Now())
	if !ok {
		return
	}
	args = append(args, "occurrences", swallowed+1, "logged_at_most_every", outageLogInterval.String())
	l.Log(context.Background(), level, msg, args...)
}
