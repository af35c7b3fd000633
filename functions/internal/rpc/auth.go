package rpc

import (
	"net/http"

	"github.com/google/uuid"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/bearer"
)

// requireAdmin lets requests for mutating procedures through only with an
// "Authorization: Bearer <token>" header naming one of tokens (checked by
// shared/bearer, as every listener checks it). With no tokens configured
// every mutation is refused: the API never mutates without authentication.
func requireAdmin(next *Router, tokens []string) http.Handler {
	set := bearer.NewSet(tokens...)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if next.IsMutating(ProcedurePath(r.URL.Path)) && !set.Authorized(r) {
			w.Header().Set("WWW-Authenticate", bearer.Scheme+` realm="autonome"`)
			writeErr(w, arena.Errorf(arena.CodeUnauthorized, "this procedure requires an admin bearer token"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

func newUUID() string { return uuid.NewString() }
