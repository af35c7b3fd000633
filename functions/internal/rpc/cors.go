package rpc

import (
	"net/http"
	"strings"
)

// cors answers browsers for the exact origins allowed and no others: the
// Origin header must equal one of them byte for byte (scheme, host and port;
// a trailing slash in the configuration is ignored). There is no substring
// or suffix matching, so "https://evil-localhost.com" is not "localhost".
// Requests without an Origin (curl, servers, same-origin GETs) are not
// affected: CORS is a browser's protection, not authentication.
func cors(next http.Handler, origins []string) http.Handler {
	allowed := make(map[string]bool, len(origins))
	for _, o := range origins {
		if o = strings.TrimRight(strings.TrimSpace(o), "/"); o != "" {
			allowed[o] = true
		}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		w.Header().Add("Vary", "Origin")
		ok := origin != "" && allowed[origin]
		if ok {
			h := w.Header()
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Allow-Credentials", "true")
			h.Set("Access-Control-Expose-Headers", "Retry-After")
		}
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			preflight(w, r, ok)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// preflight answers an OPTIONS preflight: 204 with the allowed methods and
// headers for an allowed origin, 403 without CORS headers otherwise.
func preflight(w http.ResponseWriter, r *http.Request, ok bool) {
	h := w.Header()
	h.Add("Vary", "Access-Control-Request-Method")
	h.Add("Vary", "Access-Control-Request-Headers")
	if !ok {
		w.WriteHeader(http.StatusForbidden)
		return
	}
	h.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
	h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
	h.Set("Access-Control-Max-Age", "600")
	w.WriteHeader(http.StatusNoContent)
}
