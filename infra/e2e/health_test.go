package e2e

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/autonome-go/autonome/shared/testenv"
)

// The API's /health judges the market feed from what the real worker
// writes into the shared health record: with the worker's feed running, the
// API reports it healthy with its last update and source, as the worker's
// own /health does (it used to say {healthy: false, lastUpdate: null}
// forever, so the API stayed 503 "degraded").
func TestAPIHealthReportsTheWorkersFeed(t *testing.T) {
	s := StartStack(t, "TRADE_INTERVAL=24h")
	ctx := testenv.Context(t, 60*time.Second)
	var body struct {
		Status string `json:"status"`
		Feed   struct {
			Healthy    bool    `json:"healthy"`
			LastUpdate *string `json:"lastUpdate"`
			Source     string  `json:"source"`
		} `json:"feed"`
	}
	for {
		code, raw := get(t, ctx, s.URL+"/health")
		if err := json.Unmarshal(raw, &body); err != nil {
			t.Fatalf("/health: %d %s", code, raw)
		}
		if body.Feed.Healthy {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the API's /health never reported the running feed: %d %s", code, raw)
		case <-time.After(500 * time.Millisecond):
		}
	}
	if body.Feed.LastUpdate == nil || body.Feed.Source != "synthetic" {
		t.Fatalf("feed %+v", body.Feed)
	}
	at, err := time.Parse(time.RFC3339Nano, *body.Feed.LastUpdate)
	if err != nil || time.Since(at) > 30*time.Second {
		t.Fatalf("feed lastUpdate %q (%v)", *body.Feed.LastUpdate, err)
	}
}

func get(t *testing.T, ctx context.Context, url string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}
