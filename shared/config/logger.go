package config

import (
	"io"
	"log/slog"

	"github.com/autonome-go/autonome/shared/tracing"
)

// Logger returns the binary's logger at level, writing JSON lines when
// format is "json" and logfmt-style text otherwise (both validated by the
// specs), tagged with the binary's name as "component". Lines logged with
// a traced context carry trace_id and span_id.
func Logger(w io.Writer, level, format, component string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	o := &slog.HandlerOptions{Level: l}
	var h slog.Handler = slog.NewTextHandler(w, o)
	if format == "json" {
		h = slog.NewJSONHandler(w, o)
	}
	return slog.New(tracing.LogHandler(h)).With("component", component)
}
