package relay

import (
	"net/http"
	"strings"
	"sync"

	"github.com/autonome-go/autonome/shared/bearer"
)

// cors checks the Origin header against the allowlist by exact comparison.
// The reference matched substrings ("localhost" anywhere), which let
// evil-localhost.com in; here only listed origins are allowed.
type cors map[string]bool

func newCORS(origins []string) cors {
	c := make(cors, len(origins))
	for _, o := range origins {
		c[strings.TrimRight(o, "/")] = true
	}
	return c
}

// apply sets the CORS response headers and reports whether the request may
// proceed: it has no Origin (not a cross-origin browser request) or an allowed one.
func (c cors) apply(w http.ResponseWriter, r *http.Request) bool {
	w.Header().Add("Vary", "Origin")
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	if !c[origin] {
		return false
	}
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", origin)
	h.Set("Access-Control-Allow-Credentials", "true")
	return true
}

// preflight answers an OPTIONS request for an allowed origin.
func (c cors) preflight(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Origin") == "" || !c.apply(w, r) {
		http.Error(w, "origin not allowed", http.StatusForbidden)
		return
	}
	h := w.Header()
	h.Set("Access-Control-Allow-Methods", "GET, OPTIONS")
	h.Set("Access-Control-Allow-Headers", "Authorization, Last-Event-ID, Cache-Control")
	h.Set("Access-Control-Max-Age", "600")
	w.WriteHeader(http.StatusNoContent)
}

// access decides which requests may open a stream: every one when no token
// is configured, otherwise those carrying it as a bearer header or, for
// EventSource, which cannot set headers, as ?token=. The comparison
// (shared/bearer) takes the same time whatever the token's length. Built
// once, in New.
type access struct {
	tokens *bearer.Set // nil: no token required
}

func newAccess(token string) access {
	if token == "" {
		return access{}
	}
	return access{tokens: bearer.NewSet(token)}
}

// authorized reports whether r may open a stream.
func (a access) authorized(r *http.Request) bool {
	if a.tokens == nil {
		return true
	}
	if r.Header.Get("Authorization") != "" {
		return a.tokens.Authorized(r)
	}
	return a.tokens.Match(r.URL.Query().Get("token"))
}

// admission counts streams per relay and per client address.
type admission struct {
	max, maxPerAddr int // maxPerAddr < 0: unlimited

	mu     sync.Mutex
	total  int
	byAddr map[string]int
}

func newAdmission(max, maxPerAddr int) *admission {
	return &admission{max: max, maxPerAddr: maxPerAddr, byAddr: make(map[string]int)}
}

// admit takes a slot for addr, or returns the HTTP status refusing it.
func (a *admission) admit(addr string) (status int, ok bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.total >= a.max {
		return http.StatusServiceUnavailable, false
	}
	if a.maxPerAddr >= 0 && a.byAddr[addr] >= a.maxPerAddr {
		return http.StatusTooManyRequests, false
	}
	a.total++
	a.byAddr[addr]++
	return 0, true
}

func (a *admission) release(addr string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.total--
	if a.byAddr[addr]--; a.byAddr[addr] <= 0 {
		delete(a.byAddr, addr)
	}
}
