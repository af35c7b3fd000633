package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/autonome-go/autonome/shared/logdedup"
)

// asynqLogger adapts slog to asynq's logger. asynq logs at Fatal only in
// its examples; a Fatal here is logged as an error, never exits. While Redis
// is down asynq repeats the same error several times a second; a message
// already logged in the last 30 s is counted instead of logged again.
type asynqLogger struct {
	log  *slog.Logger
	seen *logdedup.Window // 30 s
}

func (l asynqLogger) Debug(args ...any) { l.out(slog.LevelDebug, args) }
func (l asynqLogger) Info(args ...any)  { l.out(slog.LevelInfo, args) }
func (l asynqLogger) Warn(args ...any)  { l.out(slog.LevelWarn, args) }
func (l asynqLogger) Error(args ...any) { l.out(slog.LevelError, args) }
func (l asynqLogger) Fatal(args ...any) { l.out(slog.LevelError, args) }

func (l asynqLogger) out(level slog.Level, args []any) {
	msg := fmt.Sprint(args...)
	if level >= slog.LevelWarn && l.seen != nil {
		ok, swallowed := l.seen.Allow(msg, time.Now())
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
