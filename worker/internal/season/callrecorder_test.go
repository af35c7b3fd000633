package season

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"

	"github.com/autonome-go/autonome/worker/internal/llm"
)

type closer struct{ bytes.Buffer }

func (c *closer) Close() error { return nil }

// The live worker's recorder keeps every call's exact bytes, status and
// headers (never the key), hands the client exactly what it recorded, and
// records a network failure as such.
func TestCallRecorderRecordsExactBytes(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.Header.Get("Authorization") != "Bearer sk-secret" {
			t.Errorf("the provider did not get the key")
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Retry-After", "7")
		w.WriteHeader(http.StatusTooManyRequests)
		w.Write(append([]byte(`{"echo":`), append(body, '}')...))
	}))
	defer srv.Close()
	var out closer
	rec, err := NewCallRecorder(&out, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Transport: rec}
	reqBody := `{"model":"vendor/model-x","messages":[{"role":"user","content":"héllo"}]}`
	req, _ := http.NewRequestWithContext(t.Context(), "POST", srv.URL+"/v1/chat/completions", strings.NewReader(reqBody))
	req.Header.Set("Authorization", "Bearer sk-secret")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "7" || string(got) != `{"echo":`+reqBody+`}` {
		t.Fatalf("client got %d %q %s", resp.StatusCode, resp.Header.Get("Retry-After"), got)
	}
	// A call made in an agent's turn is recorded under the seat's account and turn.
	bad, _ := http.NewRequestWithContext(llm.WithTurn(t.Context(), llm.Turn{Account: "acct-7", Invocation: "inv-9"}), "POST",
		"http://127.0.0.1:1/v1", strings.NewReader(`{"model":"m2"}`))
	if _, err := client.Do(bad); err == nil {
		t.Fatal("a refused connection succeeded")
	}
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}

	zr, err := zstd.NewReader(&out.Buffer)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	raw, _ := io.ReadAll(zr)
	if bytes.Contains(raw, []byte("sk-secret")) {
		t.Fatal("the key was recorded")
	}
	var calls []Call
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		var c Call
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatal(err)
		}
		calls = append(calls, c)
	}
	if len(calls) != 2 {
		t.Fatalf("%d calls recorded", len(calls))
	}
	c := calls[0]
	if c.Entrant != "vendor/model-x" || c.Seq != 0 || c.Request != reqBody || c.Status != 429 || c.Header["Retry-After"] != "7" ||
		string(c.body()) != string(got) || c.LatencyNs <= 0 || c.Slot.IsZero() {
		t.Fatalf("recorded %+v", c)
	}
	if e := calls[1]; e.Seq != 1 || e.Entrant != "acct-7" || e.Invocation != "inv-9" || e.Model != "m2" || !strings.HasPrefix(e.Error, "network:") {
		t.Fatalf("failed call recorded as %+v", e)
	}
}
