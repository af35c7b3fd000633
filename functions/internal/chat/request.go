package chat

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// request is the body of POST /api/chat: what the AI SDK's
// DefaultChatTransport sends ({id, messages: UIMessage[], trigger, …}), or
// for scripts the same messages with a plain "content" string.
type request struct {
	ID       string      `json:"id"`
	Messages []uiMessage `json:"messages"`
}

type uiMessage struct {
	ID      string   `json:"id"`
	Role    string   `json:"role"`
	Content string   `json:"content"`
	Parts   []uiPart `json:"parts"`
}

type uiPart struct {
	Type       string          `json:"type"`
	Text       string          `json:"text"`
	ToolCallID string          `json:"toolCallId"`
	State      string          `json:"state"`
	Input      json.RawMessage `json:"input"`
	Output     json.RawMessage `json:"output"`
	ErrorText  string          `json:"errorText"`
}

// Bounds on what a client's history may put in front of the model.
const (
	maxMessageText = 8 << 10
	maxHistoryTool = 4 << 10
)

// conversation turns the client's messages into the model's: the latest
// maxHistory of them, user and assistant only (a client cannot supply
// instructions), each text and earlier tool result cut to a bound. The
// last message must be the user's question.
func (r *request) conversation(maxHistory int) ([]wireMessage, error) {
	msgs := r.Messages
	if len(msgs) == 0 {
		return nil, fmt.Errorf("messages is empty: send at least the question as a user message")
	}
	if last := msgs[len(msgs)-1]; last.Role != "user" || strings.TrimSpace(last.text()) == "" {
		return nil, fmt.Errorf("the last message must be a user message with text")
	}
	if len(msgs) > maxHistory {
		msgs = msgs[len(msgs)-maxHistory:]
	}
	var out []wireMessage
	for _, m := range msgs {
		switch m.Role {
		case "user":
			text := excerpt(m.text(), maxMessageText)
			out = append(out, wireMessage{Role: "user", Content: &text})
		case "assistant":
			out = append(out, m.assistant()...)
		}
	}
	return out, nil
}

func (m uiMessage) text() string {
	if len(m.Parts) == 0 {
		return m.Content
	}
	var b strings.Builder
	for _, p := range m.Parts {
		if p.Type == "text" {
			b.WriteString(p.Text)
		}
	}
	return b.String()
}

// assistant replays an earlier answer: its text and the results of the
// tools it called (tools of this co-pilot only).
func (m uiMessage) assistant() []wireMessage {
	am := wireMessage{Role: "assistant", Content: optional(excerpt(m.text(), maxMessageText))}
	var results []wireMessage
	for _, p := range m.Parts {
		name, ok := strings.CutPrefix(p.Type, "tool-")
		if !ok || !knownTool(name) || p.ToolCallID == "" || (p.State != "output-available" && p.State != "output-error") {
			continue
		}
		call := wireToolCall{ID: excerpt(p.ToolCallID, 64), Type: "function"}
		call.Function.Name = name
		call.Function.Arguments = excerpt(string(orEmpty(p.Input)), maxHistoryTool)
		am.ToolCalls = append(am.ToolCalls, call)
		result := p.ErrorText
		if p.State == "output-available" {
			result = string(orEmpty(p.Output))
		}
		results = append(results, toolMessage(call.ID, excerpt(result, maxHistoryTool)))
	}
	if am.Content == nil && len(am.ToolCalls) == 0 {
		return nil
	}
	return append([]wireMessage{am}, results...)
}

func orEmpty(b json.RawMessage) json.RawMessage {
	if len(b) == 0 {
		return json.RawMessage(`{}`)
	}
	return b
}

func knownTool(name string) bool {
	return slices.ContainsFunc(toolDefs, func(t wireTool) bool { return t.Function.Name == name })
}
