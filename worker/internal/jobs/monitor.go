package jobs

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/hibiken/asynq"
	"github.com/hibiken/asynqmon"
)

// MonitorPath is where the asynqmon UI and its API are mounted on the
// worker's admin listener.
const MonitorPath = "/monitoring/"

// Monitor is asynqmon (queues, tasks, retries, the scheduler's history)
// behind the admin token: a request must carry "Authorization: Bearer
// <ADMIN_TOKEN>" or HTTP basic auth with the token as the password (any
// user name), which is what a browser offers after the 401 challenge.
type Monitor struct {
	ui     *asynqmon.HTTPHandler
	digest [sha256.Size]byte
}

// NewMonitor returns the monitor for the Redis at redisURL, or nil when no
// token is configured: monitoring is then disabled, and says so once.
func NewMonitor(redisURL, token string, log *slog.Logger) (*Monitor, error) {
	if strings.TrimSpace(token) == "" {
		log.Warn("asynq monitoring disabled: set ADMIN_TOKEN to serve it at " + MonitorPath + " on the admin listener")
		return nil, nil
	}
	opt, err := asynq.ParseRedisURI(redisURL)
	if err != nil {
		return nil, fmt.Errorf("monitoring: parse REDIS_URL: %w", err)
	}
	ui := asynqmon.New(asynqmon.Options{RootPath: strings.TrimSuffix(MonitorPath, "/"), RedisConnOpt: opt})
	return &Monitor{ui: ui, digest: sha256.Sum256([]byte(token))}, nil
}

// ServeHTTP authenticates, then serves asynqmon.
func (m *Monitor) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !m.authorized(r) {
		w.Header().Set("WWW-Authenticate", `Basic realm="autonome worker", charset="UTF-8"`)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	m.ui.ServeHTTP(w, r)
}

func (m *Monitor) authorized(r *http.Request) bool {
	var given string
	if _, pass, ok := r.BasicAuth(); ok {
		given = pass
	} else if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		given = strings.TrimSpace(tok)
	} else {
		return false
	}
	d := sha256.Sum256([]byte(given))
	return subtle.ConstantTimeCompare(d[:], m.digest[:]) == 1
}

// Close releases asynqmon's Redis connections.
func (m *Monitor) Close() error { return m.ui.Close() }
