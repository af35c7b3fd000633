package relay

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestCORSIsAnExactMatch(t *testing.T) {
	c := newCORS([]string{"https://arena.example.com", "http://localhost:5173/"})
	tests := []struct {
		origin string
		ok     bool
	}{
		{"", true}, // not a cross-origin browser request
		{"https://arena.example.com", true},
		{"http://localhost:5173", true},
		{"https://evil-localhost.com", false},
		{"http://localhost:5173.evil.com", false},
		{"https://arena.example.com.evil.com", false},
		{"https://evil.com/https://arena.example.com", false},
		{"http://arena.example.com", false}, // scheme matters
		{"https://ARENA.example.com", false},
		{"null", false},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("GET", "/api/events/trades", nil)
		if tt.origin != "" {
			r.Header.Set("Origin", tt.origin)
		}
		w := httptest.NewRecorder()
		if got := c.apply(w, r); got != tt.ok {
			t.Errorf("origin %q: allowed = %v, want %v", tt.origin, got, tt.ok)
		}
		acao := w.Header().Get("Access-Control-Allow-Origin")
		if want := map[bool]string{true: tt.origin, false: ""}[tt.ok]; acao != want {
			t.Errorf("origin %q: Access-Control-Allow-Origin = %q, want %q", tt.origin, acao, want)
		}
	}
}

func TestAuthorized(t *testing.T) {
	tests := []struct {
		name, header, query string
		ok                  bool
	}{
		{"bearer", "Bearer s3cret", "", true},
		{"bearer lower-case scheme", "bearer s3cret", "", true},
		{"query", "", "s3cret", true},
		{"wrong", "Bearer nope", "", false},
		{"prefix of the token", "Bearer s3c", "", false},
		{"missing", "", "", false},
		{"basic scheme", "Basic s3cret", "", false},
		{"wrong header beats right query", "Bearer nope", "s3cret", false},
	}
	a := newAccess("s3cret")
	for _, tt := range tests {
		r := httptest.NewRequest("GET", "/api/events/trades?token="+tt.query, nil)
		if tt.header != "" {
			r.Header.Set("Authorization", tt.header)
		}
		if got := a.authorized(r); got != tt.ok {
			t.Errorf("%s: authorized = %v, want %v", tt.name, got, tt.ok)
		}
	}
	if !newAccess("").authorized(httptest.NewRequest("GET", "/", nil)) {
		t.Error("no token configured: request refused")
	}
}

func TestAdmission(t *testing.T) {
	a := newAdmission(3, 2)
	steps := []struct {
		addr   string
		status int
	}{
		{"a", 0}, {"a", 0}, {"a", http.StatusTooManyRequests}, {"b", 0}, {"c", http.StatusServiceUnavailable},
	}
	for i, s := range steps {
		status, _ := a.admit(s.addr)
		if status != s.status {
			t.Fatalf("step %d (%s): status %d, want %d", i, s.addr, status, s.status)
		}
	}
	a.release("a")
	if _, ok := a.admit("c"); !ok {
		t.Error("slot not freed by release")
	}
	if len(a.byAddr) != 3 || a.total != 3 {
		t.Errorf("counts: %v total %d", a.byAddr, a.total)
	}
	unlimited := newAdmission(10, -1)
	for range 5 {
		if _, ok := unlimited.admit("x"); !ok {
			t.Fatal("negative per-address limit should mean unlimited")
		}
	}
}
