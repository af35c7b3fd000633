package jobs_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/autonome-go/autonome/shared/testenv"
	"github.com/autonome-go/autonome/worker/internal/agent/agenttest"
	"github.com/autonome-go/autonome/worker/internal/jobs"
)

func TestMonitorDisabledWithoutToken(t *testing.T) {
	m, err := jobs.NewMonitor(testenv.RedisURL(), " ", agenttest.Quiet())
	if err != nil || m != nil {
		t.Fatalf("monitor %v, %v; want none", m, err)
	}
}

func TestMonitorRequiresTheAdminToken(t *testing.T) {
	queue, _, srv := monitored(t, "monitored")

	get := func(path string, auth func(*http.Request)) *http.Response {
		t.Helper()
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+path, nil)
		if auth != nil {
			auth(req)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		// Read the body before the request's context ends: the queue list of
		// a Redis shared with other tests can be longer than one read.
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		resp.Body = io.NopCloser(bytes.NewReader(b))
		return resp
	}
	bearer := func(tok string) func(*http.Request) {
		return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+tok) }
	}
	basic := func(pass string) func(*http.Request) {
		return func(r *http.Request) { r.SetBasicAuth("admin", pass) }
	}

	// Basic auth is gone: a browser replays it on any site's request.
	for name, auth := range map[string]func(*http.Request){"none": nil, "wrong bearer": bearer("nope"), "wrong password": basic("s3cret"),
		"basic auth with the token": basic("s3cret-token"), "token as user name": func(r *http.Request) { r.SetBasicAuth("s3cret-token", "") },
		"forged cookie": func(r *http.Request) { r.AddCookie(&http.Cookie{Name: "autonome_monitor", Value: "s3cret-token"}) }} {
		resp := get("/monitoring/api/queues", auth)
		if resp.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("%s: status %d, challenge %q", name, resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
		}
	}

	resp := get("/monitoring/api/queues", bearer("s3cret-token"))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("bearer: status %d", resp.StatusCode)
	}
	var body struct {
		Queues []struct {
			Queue   string `json:"queue"`
			Pending int    `json:"pending"`
		} `json:"queues"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, q := range body.Queues {
		found = found || q.Queue == queue && q.Pending == 1
	}
	if !found {
		t.Fatalf("queue %s not listed: %+v", queue, body.Queues)
	}
	// The browser: a sign-in form, then a session cookie for the UI.
	form := get("/monitoring/", func(r *http.Request) { r.Header.Set("Accept", "text/html") })
	if form.StatusCode != http.StatusUnauthorized || !strings.Contains(readAll(t, form), `action="/monitoring/login"`) {
		t.Fatalf("sign-in form: status %d", form.StatusCode)
	}
	cookie := signIn(t, srv.URL, "s3cret-token")
	ui := get("/monitoring/", func(r *http.Request) { r.AddCookie(cookie) })
	if ui.StatusCode != http.StatusOK || !strings.Contains(ui.Header.Get("Content-Type"), "text/html") || ui.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("UI: status %d, type %q", ui.StatusCode, ui.Header.Get("Content-Type"))
	}
	if cookie.SameSite != http.SameSiteStrictMode || !cookie.HttpOnly {
		t.Fatalf("session cookie %+v: want HttpOnly, SameSite=Strict", cookie)
	}
}

// A page on another origin, in a browser signed in to the monitor, posts
// to its API to pause the commands queue (every order would then time out).
// It is refused whatever credentials the browser attaches, and the queue
// keeps running; the same request from the monitor's own page works.
func TestMonitorRefusesCrossSiteRequests(t *testing.T) {
	queue, insp, srv := monitored(t, "commands")
	var cookie *http.Cookie

	pause := func(headers map[string]string, auth func(*http.Request)) int {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/monitoring/api/queues/"+queue+":pause", nil)
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		auth(req)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	paused := func() bool {
		info, err := insp.GetQueueInfo(queue)
		if err != nil {
			t.Fatal(err)
		}
		return info.Paused
	}
	withCookie := func(r *http.Request) { r.AddCookie(cookie) }
	withBasic := func(r *http.Request) { r.SetBasicAuth("admin", "s3cret-token") }
	for name, h := range map[string]map[string]string{
		"foreign origin":            {"Origin": "https://evil.example"},
		"another port, same host":   {"Origin": "http://127.0.0.1:1"},
		"cross-site fetch metadata": {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
		"same-site fetch metadata":  {"Sec-Fetch-Site": "same-site"},
	} {
		if code := pause(h, withBasic); code != http.StatusForbidden && code != http.StatusUnauthorized {
			t.Errorf("%s with cached basic auth: status %d, want refused", name, code)
		}
		if paused() {
			t.Fatalf("%s with cached basic auth paused the queue", name)
		}
	}
	cookie = signIn(t, srv.URL, "s3cret-token")
	for name, h := range map[string]map[string]string{
		"foreign origin":            {"Origin": "https://evil.example"},
		"another port, same host":   {"Origin": "http://127.0.0.1:1"},
		"cross-site fetch metadata": {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
		"same-site fetch metadata":  {"Sec-Fetch-Site": "same-site"},
	} {
		if code := pause(h, withCookie); code != http.StatusForbidden {
			t.Errorf("%s with the session cookie: status %d, want 403", name, code)
		}
		if paused() {
			t.Fatalf("%s with the session cookie paused the queue", name)
		}
	}
	if code := pause(map[string]string{"Origin": srv.URL, "Sec-Fetch-Site": "same-origin"}, withCookie); code != http.StatusNoContent && code != http.StatusOK {
		t.Fatalf("the monitor's own page: status %d", code)
	}
	if !paused() {
		t.Fatal("the monitor's own page could not pause the queue")
	}
}

// monitored enqueues one task on a queue of this test and serves the
// monitor (token "s3cret-token") on a test server.
func monitored(t *testing.T, name string) (string, *asynq.Inspector, *httptest.Server) {
	t.Helper()
	rdb, prefix := testenv.Redis(t)
	queue := prefix + name
	if _, err := asynq.NewClientFromRedisClient(rdb).Enqueue(asynq.NewTask("probe", nil), asynq.Queue(queue)); err != nil {
		t.Fatal(err)
	}
	insp := asynq.NewInspectorFromRedisClient(rdb)
	t.Cleanup(func() { _ = insp.DeleteQueue(queue, true) })
	m, err := jobs.NewMonitor(testenv.RedisURL(), "s3cret-token", agenttest.Quiet())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close() })
	mux := http.NewServeMux()
	mux.Handle(jobs.MonitorPath, m)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return queue, insp, srv
}

// signIn posts the token to the sign-in form as the browser does and
// returns the session cookie.
func signIn(t *testing.T, base, token string) *http.Cookie {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+"/monitoring/login", strings.NewReader(url.Values{"token": {token}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for _, c := range resp.Cookies() {
		if c.Name == "autonome_monitor" && resp.StatusCode == http.StatusSeeOther {
			return c
		}
	}
	t.Fatalf("sign in: status %d, no session cookie", resp.StatusCode)
	return nil
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
