package llm

import (
	"encoding/json"
	"maps"
	"strings"
)

// The OpenAI chat-completions wire format, with the fields compatible
// servers add: reasoning (OpenRouter) and reasoning_content (NIM, vLLM,
// DeepSeek).

type chatRequest struct {
	Model       string                     `json:"model"`
	Messages    []message                  `json:"messages"`
	Tools       []tool                     `json:"tools,omitempty"`
	ToolChoice  string                     `json:"tool_choice,omitempty"`
	Temperature *float64                   `json:"temperature,omitempty"`
	MaxTokens   int                        `json:"max_tokens,omitempty"`
	Extra       map[string]json.RawMessage `json:"-"` // provider-specific fields, merged at the top level
}

// MarshalJSON merges Extra into the request object; known fields win.
func (r chatRequest) MarshalJSON() ([]byte, error) {
	type plain chatRequest
	b, err := json.Marshal(plain(r))
	if err != nil || len(r.Extra) == 0 {
		return b, err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil {
		return nil, err
	}
	merged := maps.Clone(r.Extra)
	maps.Copy(merged, fields)
	return json.Marshal(merged)
}

type message struct {
	Role       string     `json:"role"`
	Content    string     `json:"content"`
	ToolCalls  []toolCall `json:"tool_calls,omitempty"`
	ToolCallID string     `json:"tool_call_id,omitempty"`
}

type tool struct {
	Type     string       `json:"type"`
	Function toolFunction `json:"function"`
}

type toolFunction struct {
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	Parameters  json.RawMessage `json:"parameters"`
}

type toolCall struct {
	ID       string       `json:"id"`
	Type     string       `json:"type"`
	Function functionCall `json:"function"`
}

type functionCall struct {
	Name      string          `json:"name"`
	Arguments json.RawMessage `json:"arguments"` // a JSON string per the spec; some servers send an object
}

// argumentsText returns the arguments as the model wrote them.
func (f functionCall) argumentsText() string {
	raw := strings.TrimSpace(string(f.Arguments))
	var s string
	if strings.HasPrefix(raw, `"`) && json.Unmarshal(f.Arguments, &s) == nil {
		return s
	}
	if raw == "null" {
		return ""
	}
	return raw
}

type chatResponse struct {
	ID      string     `json:"id"`
	Model   string     `json:"model"`
	Choices []choice   `json:"choices"`
	Usage   *wireUsage `json:"usage"`
	Error   *apiError  `json:"error"`
}

type choice struct {
	FinishReason string          `json:"finish_reason"`
	Message      responseMessage `json:"message"`
}

type responseMessage struct {
	Content          json.RawMessage `json:"content"` // string, null, or an array of parts
	Reasoning        string          `json:"reasoning"`
	ReasoningContent string          `json:"reasoning_content"`
	ToolCalls        []toolCall      `json:"tool_calls"`
}

// text returns the message content whether it came as a string or as parts.
func (m responseMessage) text() string {
	var s string
	if json.Unmarshal(m.Content, &s) == nil {
		return s
	}
	var parts []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	if json.Unmarshal(m.Content, &parts) != nil {
		return ""
	}
	var b strings.Builder
	for _, p := range parts {
		if p.Type == "text" || p.Type == "" {
			b.WriteString(p.Text)
		}
	}
	return b.String()
}

type wireUsage struct {
	PromptTokens        int64 `json:"prompt_tokens"`
	CompletionTokens    int64 `json:"completion_tokens"`
	TotalTokens         int64 `json:"total_tokens"`
	PromptTokensDetails *struct {
		CachedTokens int64 `json:"cached_tokens"`
	} `json:"prompt_tokens_details"`
	CompletionTokensDetails *struct {
		ReasoningTokens int64 `json:"reasoning_tokens"`
	} `json:"completion_tokens_details"`
}

type apiError struct {
	Message string          `json:"message"`
	Code    json.RawMessage `json:"code"` // a number (OpenRouter) or a string (OpenAI)
	Type    string          `json:"type"`
}
