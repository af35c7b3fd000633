package rpc

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/google/uuid"

	"github.com/autonome-go/autonome/shared/arena"
)

// requireAdmin lets requests for mutating procedures through only with an
// "Authorization: Bearer <token>" header naming one of tokens. With no
// tokens configured every mutation is refused: the API never mutates
// without authentication.
func requireAdmin(next *Router, tokens []string) http.Handler {
	sums := make([][32]byte, 0, len(tokens))
	for _, t := range tokens {
		if t = strings.TrimSpace(t); t != "" {
			sums = append(sums, sha256.Sum256([]byte(t)))
		}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if next.IsMutating(ProcedurePath(r.URL.Path)) && !authorized(r, sums) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="autonome"`)
			writeErr(w, arena.Errorf(arena.CodeUnauthorized, "this procedure requires an admin bearer token"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// authorized compares digests in constant time, so neither the token nor
// its length leaks through timing.
func authorized(r *http.Request, sums [][32]byte) bool {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return false
	}
	got := sha256.Sum256([]byte(strings.TrimSpace(token)))
	match := 0
	for _, s := range sums {
		match |= subtle.ConstantTimeCompare(got[:], s[:])
	}
	return match == 1
}

func newUUID() string { return uuid.NewString() }
