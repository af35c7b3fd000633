package rpc

import (
	"log/slog"
	"net/http"
	"time"
)

// Deps are what the procedures read from.
type Deps struct {
	Marks MarkSource
	Now   func() time.Time // defaults to time.Now
}

// Options configure the HTTP layer.
type Options struct {
	Log *slog.Logger
}

// NewHandler returns the API's http.Handler: every procedure under
// /api/rpc/. The same handler runs locally and inside Lambda.
func NewHandler(d Deps, o Options) http.Handler {
	if d.Now == nil {
		d.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	r := NewRouter(o.Log)
	Register(r, "trading/getCryptoPrices", getCryptoPrices(d.Marks, d.Now))
	mux := http.NewServeMux()
	mux.Handle(Prefix, r)
	return mux
}
