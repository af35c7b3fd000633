package rpc

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// outageLogInterval is how often an ongoing outage is logged.
const outageLogInterval = 10 * time.Second

// outageLog logs the failures of an outage (a database or Redis that is
// down, requests timing out) at most once per interval, with how many
// occurred since the last line: hundreds of requests failing in seconds
// are one situation, not hundreds of ERROR lines.
type outageLog struct {
	every rate.Sometimes
	count atomic.Int64
}

func newOutageLog(interval time.Duration) *outageLog {
	return &outageLog{every: rate.Sometimes{Interval: interval}}
}

// log records one failure and writes a line when one is due.
func (o *outageLog) log(l *slog.Logger, level slog.Level, msg string, args ...any) {
	o.count.Add(1)
	o.every.Do(func() {
		args = append(args, "occurrences", o.count.Swap(0), "logged_at_most_every", outageLogInterval.String())
		l.Log(context.Background(), level, msg, args...)
	})
}
