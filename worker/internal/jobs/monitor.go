package jobs

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"strings"

	"github.com/hibiken/asynq"
	"github.com/hibiken/asynqmon"

	"github.com/autonome-go/autonome/shared/bearer"
)

// MonitorPath is where the asynqmon UI and its API are mounted on the
// worker's admin listener.
const MonitorPath = "/monitoring/"

// monitorLogin is where the browser's sign-in form posts the token.
const monitorLogin = MonitorPath + "login"

// monitorCookie names the browser session: an HMAC of a fixed label under
// the admin token, so it is valid exactly as long as the token is.
const monitorCookie = "autonome_monitor"

// Monitor is asynqmon (queues, tasks, retries, the scheduler's history)
// behind the admin token. Scripts send "Authorization: Bearer
// <ADMIN_TOKEN>" (shared/bearer). A browser signs in once with a form and
// then carries a session cookie that is HttpOnly and SameSite=Strict; there
// is no Basic auth, which a browser would replay on any site's request.
// Whatever the credentials, a state-changing request (pause a queue, delete
// or run a task) from another origin is refused with 403
// (http.CrossOriginProtection: Sec-Fetch-Site, else Origin against Host),
// so a hostile page cannot drive the monitor of a signed-in operator.
type Monitor struct {
	ui      *asynqmon.HTTPHandler
	tokens  *bearer.Set
	session string
	csrf    *http.CrossOriginProtection
}

// NewMonitor returns the monitor for the Redis at redisURL, or nil when no
// token is configured: monitoring is then disabled, and says so once.
func NewMonitor(redisURL, token string, log *slog.Logger) (*Monitor, error) {
	token = strings.TrimSpace(token)
	if token == "" {
		log.Warn("asynq monitoring disabled: set ADMIN_TOKEN to serve it at " + MonitorPath + " on the admin listener")
		return nil, nil
	}
	opt, err := asynq.ParseRedisURI(redisURL)
	if err != nil {
		return nil, fmt.Errorf("monitoring: parse REDIS_URL: %w", err)
	}
	ui := asynqmon.New(asynqmon.Options{RootPath: strings.TrimSuffix(MonitorPath, "/"), RedisConnOpt: opt})
	mac := hmac.New(sha256.New, []byte(token))
	mac.Write([]byte("autonome asynq monitor session"))
	m := &Monitor{ui: ui, tokens: bearer.NewSet(token), session: hex.EncodeToString(mac.Sum(nil)),
		csrf: http.NewCrossOriginProtection()}
	m.csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "cross-origin request refused", http.StatusForbidden)
	}))
	return m, nil
}

// ServeHTTP refuses cross-origin changes, authenticates, then serves
// asynqmon.
func (m *Monitor) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m.csrf.Handler(http.HandlerFunc(m.serve)).ServeHTTP(w, r)
}

func (m *Monitor) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "no-referrer")
	switch {
	case r.URL.Path == monitorLogin && r.Method == http.MethodPost:
		m.login(w, r)
	case m.tokens.Authorized(r) || m.hasSession(r):
		m.ui.ServeHTTP(w, r)
	case r.Method == http.MethodGet && strings.Contains(r.Header.Get("Accept"), "text/html"):
		m.loginForm(w, http.StatusUnauthorized, "")
	default:
		w.Header().Set("WWW-Authenticate", bearer.Scheme+` realm="autonome worker"`)
		http.Error(w, "unauthorized: send the admin token as a Bearer token, or sign in at "+MonitorPath, http.StatusUnauthorized)
	}
}

func (m *Monitor) hasSession(r *http.Request) bool {
	c, err := r.Cookie(monitorCookie)
	return err == nil && hmac.Equal([]byte(c.Value), []byte(m.session))
}

// login checks the token posted by the sign-in form and starts a session.
func (m *Monitor) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 4096)
	if !m.tokens.Match(strings.TrimSpace(r.PostFormValue("token"))) {
		m.loginForm(w, http.StatusUnauthorized, "That is not the admin token.")
		return
	}
	http.SetCookie(w, &http.Cookie{Name: monitorCookie, Value: m.session, Path: MonitorPath,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
	http.Redirect(w, r, MonitorPath, http.StatusSeeOther)
}

var loginPage = template.Must(template.New("login").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>Autonome worker: queue monitor</title></head>
<body style="font-family:sans-serif;max-width:28em;margin:4em auto">
<h1>Queue monitor</h1>
{{if .}}<p role="alert">{{.}}</p>{{end}}
<form method="post" action="` + monitorLogin + `">
<label>Admin token <input name="token" type="password" autocomplete="current-password" autofocus required></label>
<button type="submit">Sign in</button>
</form></body></html>
`))

func (m *Monitor) loginForm(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_ = loginPage.Execute(w, msg)
}

// Close releases asynqmon's Redis connections.
func (m *Monitor) Close() error { return m.ui.Close() }
