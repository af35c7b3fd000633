package chat

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// reply is what the scripted model answers on one step.
type reply struct {
	Reasoning string
	Text      string
	Calls     []scriptedCall
	Status    int  // non-2xx: fail the call with this status
	Hang      bool // answer nothing until the client goes away
}

type scriptedCall struct {
	Name string
	Args string
}

// provider is a scripted OpenAI-compatible server: step i of a
// conversation is answered by script(i, request), streamed in the
// chat-completions chunk format (reasoning_content, content and tool call
// deltas split over several chunks, then usage and [DONE]).
type provider struct {
	t      testing.TB
	srv    *httptest.Server
	script func(step int, req wireRequest) reply
	mu     sync.Mutex
	reqs   []wireRequest
	auth   []string
}

func newProvider(t testing.TB, script func(step int, req wireRequest) reply) *provider {
	p := &provider{t: t, script: script}
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.srv.Close)
	return p
}

func (p *provider) endpoint() Endpoint {
	return Endpoint{Provider: Provider{Name: "openai", KeyEnv: "OPENAI_API_KEY"}, Model: "scripted", BaseURL: p.srv.URL, Keys: []string{"k1", "k2"}}
}

func (p *provider) requests() []wireRequest {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]wireRequest(nil), p.reqs...)
}

func (p *provider) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/chat/completions" {
		http.NotFound(w, r)
		return
	}
	var req wireRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, err.Error(), 400)
		return
	}
	p.mu.Lock()
	p.reqs = append(p.reqs, req)
	p.auth = append(p.auth, r.Header.Get("Authorization"))
	step := 0
	for _, m := range req.Messages {
		if m.Role == "assistant" && len(m.ToolCalls) > 0 {
			step++
		}
	}
	p.mu.Unlock()
	rep := p.script(step, req)
	if rep.Hang {
		<-r.Context().Done()
		return
	}
	if rep.Status != 0 {
		w.WriteHeader(rep.Status)
		fmt.Fprint(w, `{"error":{"message":"scripted failure"}}`)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	send := func(v any) {
		b, _ := json.Marshal(v)
		fmt.Fprintf(w, "data: %s\n\n", b)
		w.(http.Flusher).Flush()
	}
	delta := func(d map[string]any) { send(map[string]any{"choices": []any{map[string]any{"index": 0, "delta": d}}}) }
	for _, part := range halves(rep.Reasoning) {
		delta(map[string]any{"reasoning_content": part})
	}
	for _, part := range halves(rep.Text) {
		delta(map[string]any{"content": part})
	}
	for i, c := range rep.Calls {
		args := halves(c.Args)
		first := map[string]any{"index": i, "id": fmt.Sprintf("call_%d_%d", step, i), "type": "function",
			"function": map[string]any{"name": c.Name, "arguments": ""}}
		delta(map[string]any{"tool_calls": []any{first}})
		for _, a := range args {
			delta(map[string]any{"tool_calls": []any{map[string]any{"index": i, "function": map[string]any{"arguments": a}}}})
		}
	}
	reason := "stop"
	if len(rep.Calls) > 0 {
		reason = "tool_calls"
	}
	send(map[string]any{"choices": []any{map[string]any{"index": 0, "delta": map[string]any{}, "finish_reason": reason}}})
	send(map[string]any{"choices": []any{}, "usage": map[string]any{"prompt_tokens": 100, "completion_tokens": 20}})
	fmt.Fprint(w, "data: [DONE]\n\n")
}

// halves splits s in two pieces, so every kind of delta arrives in parts.
func halves(s string) []string {
	if s == "" {
		return nil
	}
	if len(s) < 2 {
		return []string{s}
	}
	i := len(s) / 2
	for i > 0 && !utf8Start(s[i]) {
		i--
	}
	return []string{s[:i], s[i:]}
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

// lastToolResult is the content of the latest tool message of req.
func lastToolResult(req wireRequest) string {
	for i := len(req.Messages) - 1; i >= 0; i-- {
		if m := req.Messages[i]; m.Role == "tool" && m.Content != nil {
			return *m.Content
		}
	}
	return ""
}

func systemOf(req wireRequest) string {
	if len(req.Messages) > 0 && req.Messages[0].Role == "system" && req.Messages[0].Content != nil {
		return *req.Messages[0].Content
	}
	return ""
}

var _ = strings.Contains
