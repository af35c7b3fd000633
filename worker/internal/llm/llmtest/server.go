// Package llmtest is an OpenAI-compatible chat-completions server for
// tests. It plays back a script of replies — realistic ones, and the hostile
// ones real providers and models produce: bad JSON, unknown tools, stalls,
// rate limits, errors inside a 200 — and records every request it receives.
package llmtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"
)

// Call is a tool call in a scripted reply. Arguments is sent verbatim as the
// function's arguments string, so it may be invalid JSON.
type Call struct {
	ID        string // default call_<n>
	Name      string
	Arguments string
}

// Reply is one scripted response.
type Reply struct {
	Status  int               // default 200
	Header  map[string]string // e.g. Retry-After
	Body    string            // when set, sent verbatim instead of a built completion
	Stall   time.Duration     // wait this long (or until the client gives up) before answering
	Content *string           // nil sends "content": null
	// Reasoning goes in OpenRouter's "reasoning" field, ReasoningContent in
	// NIM/vLLM's "reasoning_content".
	Reasoning, ReasoningContent string
	Calls                       []Call
	FinishReason                string // default "tool_calls" with calls, else "stop"
	PromptTokens, OutputTokens  int64
}

// Text returns a pointer to s, for Reply.Content.
func Text(s string) *string { return &s }

// Request is a request the server received.
type Request struct {
	Auth string         // the Authorization header
	Body map[string]any // the decoded JSON body
	Raw  []byte
}

// Server is a scripted OpenAI-compatible server.
type Server struct {
	t   testing.TB
	srv *httptest.Server

	mu       sync.Mutex
	script   []Reply
	answer   func(n int) Reply // when set, answers every request instead of script
	byBody   func(n int, body map[string]any) Reply
	requests []Request
}

// NewServerFunc starts a server that answers request n (0-based) with
// answer(n), for replies that depend on the test's phase. It keeps no
// request bodies, so it can serve many large exchanges.
func NewServerFunc(t testing.TB, answer func(n int) Reply) *Server {
	s := &Server{t: t, answer: answer}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

// NewServerBodyFunc is NewServerFunc with the decoded request body given to
// answer too, for replies that depend on the model or the conversation.
func NewServerBodyFunc(t testing.TB, answer func(n int, body map[string]any) Reply) *Server {
	s := &Server{t: t, byBody: answer}
	s.answer = func(int) Reply { return Reply{} } // replaced per request below
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

// NewServer starts a server that answers with replies in order; a request
// beyond the script fails the test. It stops when the test ends.
func NewServer(t testing.TB, replies ...Reply) *Server {
	s := &Server{t: t, script: replies}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

// BaseURL is the server's OpenAI-style base URL (ending in /v1).
func (s *Server) BaseURL() string { return s.srv.URL + "/v1" }

// Requests returns the requests received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/v1/chat/completions" {
		http.Error(w, `{"error":{"message":"not found"}}`, http.StatusNotFound)
		return
	}
	raw, _ := io.ReadAll(r.Body)
	var body map[string]any
	if err := json.Unmarshal(raw, &body); err != nil {
		s.t.Errorf("llmtest: request body is not JSON: %v", err)
	}
	s.mu.Lock()
	n := len(s.requests)
	req := Request{Auth: r.Header.Get("Authorization"), Body: body, Raw: raw}
	if s.answer != nil {
		req = Request{Auth: req.Auth}
	}
	s.requests = append(s.requests, req)
	var reply Reply
	ok := n < len(s.script) || s.answer != nil
	if s.byBody != nil {
		reply = s.byBody(n, body)
	} else if s.answer != nil {
		reply = s.answer(n)
	} else if ok {
		reply = s.script[n]
	}
	s.mu.Unlock()
	if !ok {
		s.t.Errorf("llmtest: unscripted request %d", n+1)
		http.Error(w, `{"error":{"message":"script exhausted"}}`, http.StatusInternalServerError)
		return
	}
	if reply.Stall > 0 {
		select {
		case <-r.Context().Done():
			return
		case <-time.After(reply.Stall):
		}
	}
	for k, v := range reply.Header {
		w.Header().Set(k, v)
	}
	w.Header().Set("Content-Type", "application/json")
	status := reply.Status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	if reply.Body != "" {
		io.WriteString(w, reply.Body)
		return
	}
	json.NewEncoder(w).Encode(completion(n, body["model"], reply))
}

func completion(n int, model any, r Reply) map[string]any {
	msg := map[string]any{"role": "assistant", "content": nil}
	if r.Content != nil {
		msg["content"] = *r.Content
	}
	if r.Reasoning != "" {
		msg["reasoning"] = r.Reasoning
	}
	if r.ReasoningContent != "" {
		msg["reasoning_content"] = r.ReasoningContent
	}
	finish := r.FinishReason
	if len(r.Calls) > 0 {
		calls := make([]map[string]any, len(r.Calls))
		for i, c := range r.Calls {
			id := c.ID
			if id == "" {
				id = "call_" + strconv.Itoa(n) + "_" + strconv.Itoa(i)
			}
			calls[i] = map[string]any{"id": id, "type": "function", "function": map[string]any{"name": c.Name, "arguments": c.Arguments}}
		}
		msg["tool_calls"] = calls
		if finish == "" {
			finish = "tool_calls"
		}
	}
	if finish == "" {
		finish = "stop"
	}
	return map[string]any{
		"id": fmt.Sprintf("gen-%d", n+1), "object": "chat.completion", "created": 1763719500, "model": model,
		"choices": []any{map[string]any{"index": 0, "finish_reason": finish, "message": msg}},
		"usage": map[string]any{"prompt_tokens": r.PromptTokens, "completion_tokens": r.OutputTokens,
			"total_tokens": r.PromptTokens + r.OutputTokens},
	}
}
