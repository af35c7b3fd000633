package bearer_test

import (
	"net/http/httptest"
	"testing"

	"github.com/autonome-go/autonome/shared/bearer"
)

func TestAuthorized(t *testing.T) {
	s := bearer.NewSet("first-token", " second-token ", "", "  ")
	if s.Len() != 2 {
		t.Fatalf("Len = %d, want 2 (blank entries ignored)", s.Len())
	}
	for header, want := range map[string]bool{
		"Bearer first-token":     true,
		"bearer first-token":     true, // the scheme is case-insensitive
		"BEARER second-token":    true,
		"Bearer   first-token  ": true,
		" Bearer first-token":    true,
		"Bearer\tfirst-token":    false, // a tab does not separate scheme and token
		"":                       false,
		"Bearer":                 false,
		"Bearer ":                false,
		"Bearer first":           false, // a prefix
		"Bearer first-tokenX":    false,
		"Basic Zmlyc3QtdG9rZW4=": false,
		"Bearerfirst-token":      false,
		"Token first-token":      false,
	} {
		r := httptest.NewRequest("GET", "/", nil)
		if header != "" {
			r.Header.Set("Authorization", header)
		}
		if got := s.Authorized(r); got != want {
			t.Errorf("%q: Authorized = %v, want %v", header, got, want)
		}
	}
	if bearer.NewSet().Match("") || (&bearer.Set{}).Match("x") {
		t.Error("an empty set accepts nothing")
	}
}
