package jobs_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
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
	rdb, prefix := testenv.Redis(t)
	queue := prefix + "monitored"
	client := asynq.NewClientFromRedisClient(rdb)
	if _, err := client.Enqueue(asynq.NewTask("probe", nil), asynq.Queue(queue)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = asynq.NewInspectorFromRedisClient(rdb).DeleteQueue(queue, true) })

	m, err := jobs.NewMonitor(testenv.RedisURL(), "s3cret-token", agenttest.Quiet())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close() })
	mux := http.NewServeMux()
	mux.Handle(jobs.MonitorPath, m)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	get := func(path string, auth func(*http.Request)) *http.Response {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
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

	for name, auth := range map[string]func(*http.Request){"none": nil, "wrong bearer": bearer("nope"), "wrong password": basic("s3cret"),
		"token as user name": func(r *http.Request) { r.SetBasicAuth("s3cret-token", "") }} {
		resp := get("/monitoring/api/queues", auth)
		if resp.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Basic") {
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
	// The browser UI, with basic auth.
	ui := get("/monitoring/", basic("s3cret-token"))
	if ui.StatusCode != http.StatusOK || !strings.Contains(ui.Header.Get("Content-Type"), "text/html") || ui.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("UI: status %d, type %q", ui.StatusCode, ui.Header.Get("Content-Type"))
	}
}
