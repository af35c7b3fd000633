package config

import (
	"io"
	"log/slog"
)

// Logger returns a JSON logger at level (validated by the specs) tagged with
// the binary's name.
func Logger(w io.Writer, level, component string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l})).With("component", component)
}
