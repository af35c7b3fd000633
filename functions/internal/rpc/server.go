package rpc

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/autonome-go/autonome/shared/arena"
)

// Prefix is where the procedures are mounted.
const Prefix = "/api/rpc/"

// procedure is one registered procedure with its input decoding bound.
type procedure struct {
	mutating bool
	call     func(ctx context.Context, raw json.RawMessage) (any, error)
}

// validator is implemented by inputs that check themselves after decoding.
type validator interface{ Validate() error }

// Router dispatches oRPC requests to procedures by path.
type Router struct {
	procs       map[string]procedure
	log         *slog.Logger
	unavailable *outageLog // 503s: a dependency is down
	timeouts    *outageLog // 408s
}

// NewRouter returns an empty router logging to log.
func NewRouter(log *slog.Logger) *Router {
	return &Router{procs: map[string]procedure{}, log: log,
		unavailable: newOutageLog(outageLogInterval), timeouts: newOutageLog(outageLogInterval)}
}

// Option modifies a registration.
type Option func(*procedure)

// Mutating marks a procedure that changes state; such procedures require an
// admin token (enforced by the auth middleware).
func Mutating() Option { return func(p *procedure) { p.mutating = true } }

// Register adds a procedure at path ("trading/getCryptoPrices"). Input is
// decoded strictly into In (unknown fields and wrong types are BAD_REQUEST)
// and validated when In has a Validate method.
func Register[In, Out any](r *Router, path string, fn func(context.Context, In) (Out, error), opts ...Option) {
	p := procedure{call: func(ctx context.Context, raw json.RawMessage) (any, error) {
		var in In
		if err := decodeInput(raw, &in); err != nil {
			return nil, err
		}
		if v, ok := any(&in).(validator); ok {
			if err := v.Validate(); err != nil {
				return nil, err
			}
		}
		return fn(ctx, in)
	}}
	for _, o := range opts {
		o(&p)
	}
	r.procs[path] = p
}

// Paths lists the registered procedure paths, sorted.
func (r *Router) Paths() []string {
	out := make([]string, 0, len(r.procs))
	for p := range r.procs {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// IsMutating reports whether the procedure at path changes state.
func (r *Router) IsMutating(path string) bool { return r.procs[path].mutating }

// ProcedurePath returns the procedure path of a request URL path, or "".
func ProcedurePath(urlPath string) string {
	p, ok := strings.CutPrefix(urlPath, Prefix)
	if !ok {
		return ""
	}
	return strings.Trim(p, "/")
}

// ServeHTTP implements the oRPC RPC protocol.
func (r *Router) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	path := ProcedurePath(req.URL.Path)
	p, ok := r.procs[path]
	if !ok {
		writeErr(w, &Error{Code: "NOT_FOUND", Status: http.StatusNotFound, Message: "no procedure at " + req.URL.Path})
		return
	}
	if req.Method != http.MethodPost && req.Method != http.MethodGet {
		w.Header().Set("Allow", "GET, POST")
		writeErr(w, &Error{Code: "METHOD_NOT_SUPPORTED", Status: http.StatusMethodNotAllowed, Message: "use POST (or GET with ?data=)"})
		return
	}
	if req.Method == http.MethodGet && p.mutating {
		writeErr(w, &Error{Code: "METHOD_NOT_SUPPORTED", Status: http.StatusMethodNotAllowed, Message: "mutating procedures require POST"})
		return
	}
	raw, err := readInput(req)
	if err != nil {
		writeErr(w, err)
		return
	}
	out, err := r.invoke(req.Context(), p, path, raw)
	if err != nil {
		switch we := toWire(err); {
		case we.Status == http.StatusServiceUnavailable:
			r.unavailable.log(r.log, slog.LevelError, "procedures failing: a dependency is unavailable", "procedure", path, "err", err)
		case we.Status >= 500:
			r.log.Error("procedure failed", "procedure", path, "err", err)
		case we.Status == http.StatusRequestTimeout:
			r.timeouts.log(r.log, slog.LevelWarn, "procedures timing out", "procedure", path, "err", err)
		}
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, out, metaFor(out))
}

// invoke calls the procedure, turning a panic into an internal error: one
// bad row or bug must not take down a Lambda execution environment.
func (r *Router) invoke(ctx context.Context, p procedure, path string, raw json.RawMessage) (out any, err error) {
	defer func() {
		if v := recover(); v != nil {
			r.log.Error("procedure panicked", "procedure", path, "panic", v, "stack", string(debug.Stack()))
			out, err = nil, arena.Errorf(arena.CodeInternal, "internal error")
		}
	}()
	return p.call(ctx, raw)
}

func writeErr(w http.ResponseWriter, err error) {
	we := toWire(err)
	writeJSON(w, we.Status, we, []any{})
}
