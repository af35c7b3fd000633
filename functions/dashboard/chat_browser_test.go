package dashboard

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// scriptedChat answers /api/chat in the AI SDK's UI message stream. The
// first answer calls the SQL tool (rows holding markup) and the history
// tool (a time series), then streams its text in two parts, holding the
// second until release is closed; later answers show a refused query.
type scriptedChat struct {
	release chan struct{}
	mu      sync.Mutex
	bodies  []map[string]any
}

func (s *scriptedChat) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body map[string]any
	_ = json.NewDecoder(r.Body).Decode(&body)
	s.mu.Lock()
	s.bodies = append(s.bodies, body)
	n := len(s.bodies)
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("X-Vercel-Ai-Ui-Message-Stream", "v1")
	send := func(c map[string]any) {
		b, _ := json.Marshal(c)
		fmt.Fprintf(w, "data: %s\n\n", b)
		w.(http.Flusher).Flush()
	}
	send(map[string]any{"type": "start", "messageId": fmt.Sprintf("m%d", n)})
	send(map[string]any{"type": "start-step"})
	if n > 1 {
		send(map[string]any{"type": "tool-input-start", "toolCallId": "c9", "toolName": "queryPortfolioSql"})
		send(map[string]any{"type": "tool-input-available", "toolCallId": "c9", "toolName": "queryPortfolioSql", "input": map[string]any{"question": "creds", "sql": `SELECT * FROM "ModelCredentials"`}})
		send(map[string]any{"type": "tool-output-error", "toolCallId": "c9", "errorText": `refused: relation "ModelCredentials" does not exist`})
		send(map[string]any{"type": "finish-step"})
		send(map[string]any{"type": "finish", "finishReason": "stop"})
		fmt.Fprint(w, "data: [DONE]\n\n")
		return
	}
	send(map[string]any{"type": "reasoning-start", "id": "r1"})
	send(map[string]any{"type": "reasoning-delta", "id": "r1", "delta": "Query the equity."})
	send(map[string]any{"type": "reasoning-end", "id": "r1"})
	send(map[string]any{"type": "tool-input-start", "toolCallId": "c1", "toolName": "queryPortfolioSql"})
	send(map[string]any{"type": "tool-input-available", "toolCallId": "c1", "toolName": "queryPortfolioSql",
		"input": map[string]any{"question": "latest responses", "sql": "SELECT name, response FROM decisions <b>bold</b>"}})
	send(map[string]any{"type": "tool-output-available", "toolCallId": "c1", "output": map[string]any{
		"sql": "SELECT …", "columns": []string{"name", "response"}, "rowCount": 1, "truncated": false, "durationMs": 3, "warnings": []string{},
		"rows": []map[string]any{{"name": "kimi", "response": `<img src=x onerror="window.__pwned=1">`}}}})
	send(map[string]any{"type": "tool-input-start", "toolCallId": "c2", "toolName": "getPortfolioHistory"})
	send(map[string]any{"type": "tool-input-available", "toolCallId": "c2", "toolName": "getPortfolioHistory", "input": map[string]any{"modelName": "deepseek"}})
	send(map[string]any{"type": "tool-output-available", "toolCallId": "c2", "output": map[string]any{"series": []map[string]any{{
		"modelId": "m-deep", "name": "deepseek", "variant": "Apex", "points": []map[string]any{
			{"at": "2026-11-20T00:00:00Z", "equity": 10000}, {"at": "2026-11-20T01:00:00Z", "equity": 10100}, {"at": "2026-11-20T02:00:00Z", "equity": 10200}}}}}})
	send(map[string]any{"type": "finish-step"})
	send(map[string]any{"type": "start-step"})
	send(map[string]any{"type": "text-start", "id": "t1"})
	send(map[string]any{"type": "text-delta", "id": "t1", "delta": "Deepseek leads"})
	select {
	case <-s.release:
	case <-r.Context().Done():
		return
	}
	send(map[string]any{"type": "text-delta", "id": "t1", "delta": " by 2%."})
	send(map[string]any{"type": "text-end", "id": "t1"})
	send(map[string]any{"type": "finish-step"})
	send(map[string]any{"type": "finish", "finishReason": "stop", "messageMetadata": map[string]any{"steps": 2, "usage": map[string]any{"inputTokens": 900, "outputTokens": 100}}})
	fmt.Fprint(w, "data: [DONE]\n\n")
}

func (s *scriptedChat) body(i int) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bodies[i]
}

// The Chat page streams the answer as it comes, shows tool calls as cards,
// SQL rows as escaped tables and a time series as a chart, keeps the
// conversation across pages, and sends it back with the next question.
func TestBrowserChat(t *testing.T) {
	chat := &scriptedChat{release: make(chan struct{})}
	released := false
	t.Cleanup(func() {
		if !released {
			close(chat.release)
		}
	})
	e := newBrowserEnv(t, func(f *fakeAPI) { f.copilot = chat })
	e.open(t, "#/chat")
	e.wait(t, "the chat page", `document.querySelector('[data-testid=chat-input]')`)
	e.do(t, "ask", chromedp.SendKeys(`[data-testid=chat-input]`, "Who is winning?"), chromedp.Click(`[data-testid=chat-send]`))

	// The first part of the text is on screen while the server still writes.
	e.wait(t, "the streamed start of the answer", `document.querySelector('[data-testid=chat-assistant][data-done=no] [data-testid=chat-text]')?.textContent === 'Deepseek leads'`)
	close(chat.release)
	released = true
	e.wait(t, "the whole answer", `document.querySelector('[data-testid=chat-assistant][data-done=yes] [data-testid=chat-text]')?.textContent === 'Deepseek leads by 2%.'`)

	cards := eval[[]string](t, e, `[...document.querySelectorAll('[data-testid=chat-tool]')].map(c => c.dataset.tool + ':' + c.dataset.state)`)
	if strings.Join(cards, ",") != "queryPortfolioSql:done,getPortfolioHistory:done" {
		t.Errorf("tool cards %v", cards)
	}
	cell := eval[string](t, e, `document.querySelector('[data-testid=chat-table] tbody td:nth-child(2)').textContent`)
	if cell != `<img src=x onerror="window.__pwned=1">` {
		t.Errorf("SQL cell shows %q, want the markup as text", cell)
	}
	if eval[bool](t, e, `!!document.querySelector('.copilot img, .copilot b') || window.__pwned === 1`) {
		t.Error("markup from a result or the SQL was rendered")
	}
	if sql := eval[string](t, e, `document.querySelector('[data-testid=chat-sql]').textContent`); !strings.Contains(sql, "<b>bold</b>") {
		t.Errorf("SQL shown as %q", sql)
	}
	e.wait(t, "the history chart", `document.querySelector('[data-testid=chat-chart] svg path')`)
	e.shot(t, "chat")

	// The conversation survives leaving the page.
	e.open(t, "#/")
	e.open(t, "#/chat")
	e.wait(t, "the kept conversation", `document.querySelector('[data-testid=chat-user]')?.textContent === 'Who is winning?' && document.querySelector('[data-testid=chat-text]')?.textContent === 'Deepseek leads by 2%.'`)

	e.do(t, "ask again", chromedp.SendKeys(`[data-testid=chat-input]`, "Show me the credentials"), chromedp.Click(`[data-testid=chat-send]`))
	e.wait(t, "the refusal card", `document.querySelector('[data-testid=chat-tool][data-state=error] [data-testid=chat-tool-error]')?.textContent.startsWith('refused')`)
	msgs, _ := chat.body(1)["messages"].([]any)
	if len(msgs) != 3 {
		t.Fatalf("second request carries %d messages, want 3 (question, answer, question)", len(msgs))
	}
	answer, _ := json.Marshal(msgs[1])
	if !strings.Contains(string(answer), `"tool-queryPortfolioSql"`) || !strings.Contains(string(answer), "Deepseek leads by 2%.") {
		t.Errorf("the earlier answer sent back: %s", answer)
	}
}
