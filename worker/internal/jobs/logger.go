package jobs

import (
	"context"
	"fmt"
	"log/slog"
)

// asynqLogger adapts slog to asynq's logger. asynq logs at Fatal only in
// its examples; a Fatal here is logged as an error, never exits.
type asynqLogger struct{ log *slog.Logger }

func (l asynqLogger) Debug(args ...any) { l.out(slog.LevelDebug, args) }
func (l asynqLogger) Info(args ...any)  { l.out(slog.LevelInfo, args) }
func (l asynqLogger) Warn(args ...any)  { l.out(slog.LevelWarn, args) }
func (l asynqLogger) Error(args ...any) { l.out(slog.LevelError, args) }
func (l asynqLogger) Fatal(args ...any) { l.out(slog.LevelError, args) }

func (l asynqLogger) out(level slog.Level, args []any) {
	l.log.Log(context.Background(), level, fmt.Sprint(args...))
}
