// Package bearer checks "Authorization: Bearer <token>" credentials
// (RFC 6750) against configured tokens, the same way for every listener:
// the scheme is matched without regard to case (RFC 7235 §2.1), spaces
// around the token are ignored, and tokens are compared in constant time
// through their SHA-256 digests, so neither a token nor its length leaks
// through timing.
package bearer

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"
)

// Scheme is the authentication scheme, as servers write it in
// WWW-Authenticate.
const Scheme = "Bearer"

// Parse returns the token of an Authorization header value. ok is false for
// another scheme or an empty token.
func Parse(header string) (token string, ok bool) {
	scheme, rest, found := strings.Cut(strings.TrimSpace(header), " ")
	if !found || !strings.EqualFold(scheme, Scheme) {
		return "", false
	}
	token = strings.TrimSpace(rest)
	return token, token != ""
}

// Set is the tokens a listener accepts. The zero Set accepts none.
type Set struct {
	sums [][sha256.Size]byte
}

// NewSet returns the set of tokens, each trimmed; blank entries are
// ignored.
func NewSet(tokens ...string) *Set {
	s := &Set{}
	for _, t := range tokens {
		if t = strings.TrimSpace(t); t != "" {
			s.sums = append(s.sums, sha256.Sum256([]byte(t)))
		}
	}
	return s
}

// Len is the number of tokens accepted.
func (s *Set) Len() int { return len(s.sums) }

// Match reports whether token is one of the set's, comparing against
// every token whatever matches first.
func (s *Set) Match(token string) bool {
	if token == "" {
		return false
	}
	got := sha256.Sum256([]byte(token))
	match := 0
	for _, sum := range s.sums {
		match |= subtle.ConstantTimeCompare(got[:], sum[:])
	}
	return match == 1
}

// Authorized reports whether r's Authorization header carries a token of
// the set.
func (s *Set) Authorized(r *http.Request) bool {
	token, ok := Parse(r.Header.Get("Authorization"))
	return ok && s.Match(token)
}
