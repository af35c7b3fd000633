package main

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/autonome-go/autonome/shared/config"
)

func gateway(t *testing.T, apiURL string) *httptest.Server {
	t.Helper()
	h, err := newHandler(config.Gateway{APIURL: apiURL, RelayURL: apiURL, Title: "t"}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// A body too large for the API is answered 413 by the gateway, whether it
// announces its length or streams it, instead of a 502 when the API stops
// reading; an unreachable API is a 503 whose body says so.
func TestGatewayBodyLimitAndUpstreamErrors(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 64<<10))
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		_, _ = w.Write(b)
	}))
	defer api.Close()
	gw := gateway(t, api.URL)
	post := func(body io.Reader, n int64) *http.Response {
		req, _ := http.NewRequest(http.MethodPost, gw.URL+"/api/rpc/trading/getTrades", body)
		req.ContentLength = n
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	big := bytes.Repeat([]byte("x"), 10<<20)
	if r := post(bytes.NewReader(big), int64(len(big))); r.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("10 MB with a length: %d, want 413", r.StatusCode)
	}
	// Streamed, the API sees the first 64 KiB and refuses it (400, as it
	// does directly), or the gateway's limit trips first (413): never a 502.
	if r := post(io.MultiReader(bytes.NewReader(big)), -1); r.StatusCode != http.StatusRequestEntityTooLarge && r.StatusCode != http.StatusBadRequest {
		t.Errorf("10 MB streamed: %d, want 413 or 400", r.StatusCode)
	}
	if r := post(strings.NewReader(`{"json":{}}`), -1); r.StatusCode != http.StatusOK {
		t.Errorf("a small body: %d, want 200", r.StatusCode)
	}
	api.Close()
	resp, err := http.Post(gw.URL+"/api/rpc/trading/getTrades", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), `"status":503`) {
		t.Errorf("API down: %d %s, want 503 saying so", resp.StatusCode, body)
	}
}

// /api/chat reaches the co-pilot and its answer streams through: the first
// event arrives while the co-pilot is still writing.
func TestGatewayStreamsChat(t *testing.T) {
	release := make(chan struct{})
	chat := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		_, _ = io.WriteString(w, "data: {\"type\":\"start\"}\n\n")
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
		_, _ = io.WriteString(w, "data: [DONE]\n\n")
	}))
	defer chat.Close()
	h, err := newHandler(config.Gateway{APIURL: chat.URL, RelayURL: chat.URL, ChatURL: chat.URL, Title: "t"}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	gw := httptest.NewServer(h)
	defer gw.Close()
	resp, err := http.Post(gw.URL+"/api/chat", "application/json", strings.NewReader(`{"messages":[]}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	first := make([]byte, len("data: {\"type\":\"start\"}"))
	if _, err := io.ReadFull(resp.Body, first); err != nil || string(first) != `data: {"type":"start"}` {
		t.Fatalf("first event %q, %v", first, err)
	}
	close(release)
	rest, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(rest), "[DONE]") {
		t.Fatalf("rest %q", rest)
	}
}
