package chat

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"

	"github.com/autonome-go/autonome/shared/arena"
)

// The OpenAI chat-completions wire format, streamed (stream: true), with the
// reasoning fields compatible servers add (reasoning_content: NIM, vLLM,
// DeepSeek; reasoning: OpenRouter).

type wireMessage struct {
	Role       string         `json:"role"`
	Content    *string        `json:"content"`
	ToolCalls  []wireToolCall `json:"tool_calls,omitempty"`
	ToolCallID string         `json:"tool_call_id,omitempty"`
}

type wireToolCall struct {
	ID       string `json:"id"`
	Type     string `json:"type"`
	Function struct {
		Name      string `json:"name"`
		Arguments string `json:"arguments"`
	} `json:"function"`
}

type wireTool struct {
	Type     string       `json:"type"`
	Function wireFunction `json:"function"`
}

type wireFunction struct {
	Name        string          `json:"name"`
	Description string          `json:"description"`
	Parameters  json.RawMessage `json:"parameters"`
}

type wireRequest struct {
	Model         string        `json:"model"`
	Messages      []wireMessage `json:"messages"`
	Tools         []wireTool    `json:"tools,omitempty"`
	ToolChoice    string        `json:"tool_choice,omitempty"`
	MaxTokens     int           `json:"max_tokens,omitempty"`
	Temperature   float64       `json:"temperature"`
	Stream        bool          `json:"stream"`
	StreamOptions struct {
		IncludeUsage bool `json:"include_usage"`
	} `json:"stream_options"`
}

type wireChunk struct {
	Choices []struct {
		Delta struct {
			Content          string `json:"content"`
			ReasoningContent string `json:"reasoning_content"`
			Reasoning        string `json:"reasoning"`
			ToolCalls        []struct {
				Index    int    `json:"index"`
				ID       string `json:"id"`
				Function struct {
					Name      string `json:"name"`
					Arguments string `json:"arguments"`
				} `json:"function"`
			} `json:"tool_calls"`
		} `json:"delta"`
		FinishReason *string `json:"finish_reason"`
	} `json:"choices"`
	Usage *struct {
		PromptTokens     int `json:"prompt_tokens"`
		CompletionTokens int `json:"completion_tokens"`
	} `json:"usage"`
	Error *struct {
		Message string `json:"message"`
	} `json:"error"`
}

// Usage counts the tokens of one or more model calls.
type Usage struct {
	InputTokens  int `json:"inputTokens"`
	OutputTokens int `json:"outputTokens"`
}

// Total is input plus output tokens.
func (u Usage) Total() int { return u.InputTokens + u.OutputTokens }

// stepResult is one model call: its text, its tool calls and its usage.
type stepResult struct {
	Text         string
	ToolCalls    []wireToolCall
	FinishReason string
	Usage        Usage
}

// deltaSink receives a call's output as it streams.
type deltaSink interface {
	text(delta string)
	reasoning(delta string)
	toolStart(id, name string)
	toolDelta(id, delta string)
}

// client streams chat completions from one endpoint, rotating its keys.
type client struct {
	ep       Endpoint
	http     *http.Client
	maxBytes int64 // of one streamed response
	next     atomic.Uint64
}

// ProviderError is a failure of the model provider; Msg is safe to show.
type ProviderError struct {
	Status int
	Msg    string
}

func (e *ProviderError) Error() string { return e.Msg }

func (c *client) key() string {
	if len(c.ep.Keys) == 0 {
		return ""
	}
	return c.ep.Keys[(c.next.Add(1)-1)%uint64(len(c.ep.Keys))]
}

func (c *client) stream(ctx context.Context, req *wireRequest, sink deltaSink) (*stepResult, error) {
	req.Model, req.Stream, req.StreamOptions.IncludeUsage = c.ep.Model, true, true
	body, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("encode request: %w", err)
	}
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, c.ep.BaseURL+"/chat/completions", bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	hr.Header.Set("Content-Type", "application/json")
	hr.Header.Set("Accept", "text/event-stream")
	for k, v := range c.ep.Provider.Headers {
		hr.Header.Set(k, v)
	}
	if k := c.key(); k != "" {
		hr.Header.Set("Authorization", "Bearer "+k)
	}
	resp, err := c.http.Do(hr)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &ProviderError{Msg: "could not reach the model provider"}
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return nil, statusError(resp)
	}
	return readStream(io.LimitReader(resp.Body, c.maxBytes), sink)
}

func statusError(resp *http.Response) error {
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	var e struct {
		Error struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	msg := ""
	if json.Unmarshal(raw, &e) == nil && e.Error.Message != "" {
		msg = ": " + excerpt(e.Error.Message, 200)
	}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		return &ProviderError{resp.StatusCode, "the model provider is rate limiting this key; try again in a minute" + msg}
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return &ProviderError{resp.StatusCode, "the model provider refused the API key" + msg}
	}
	return &ProviderError{resp.StatusCode, fmt.Sprintf("the model provider answered %d%s", resp.StatusCode, msg)}
}

// readStream decodes the SSE "data:" lines of a streamed completion.
func readStream(r io.Reader, sink deltaSink) (*stepResult, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	res := &stepResult{}
	calls := map[int]*wireToolCall{}
	var order []int
	var text strings.Builder
	for sc.Scan() {
		line := sc.Text()
		data, ok := strings.CutPrefix(line, "data:")
		if !ok {
			continue
		}
		data = strings.TrimSpace(data)
		if data == "[DONE]" {
			break
		}
		var ch wireChunk
		if err := json.Unmarshal([]byte(data), &ch); err != nil {
			return nil, &ProviderError{Msg: "the model provider sent an unreadable stream"}
		}
		if ch.Error != nil {
			return nil, &ProviderError{Status: 502, Msg: "the model provider failed: " + excerpt(ch.Error.Message, 200)}
		}
		if ch.Usage != nil {
			res.Usage = Usage{ch.Usage.PromptTokens, ch.Usage.CompletionTokens}
		}
		for _, choice := range ch.Choices {
			d := choice.Delta
			if s := d.ReasoningContent + d.Reasoning; s != "" {
				sink.reasoning(s)
			}
			if d.Content != "" {
				text.WriteString(d.Content)
				sink.text(d.Content)
			}
			for _, tc := range d.ToolCalls {
				call := calls[tc.Index]
				if call == nil {
					call = &wireToolCall{ID: tc.ID, Type: "function"}
					if call.ID == "" {
						call.ID = fmt.Sprintf("call_%d", tc.Index)
					}
					call.Function.Name = tc.Function.Name
					calls[tc.Index] = call
					order = append(order, tc.Index)
					sink.toolStart(call.ID, call.Function.Name)
				}
				if tc.Function.Arguments != "" {
					call.Function.Arguments += tc.Function.Arguments
					sink.toolDelta(call.ID, tc.Function.Arguments)
				}
			}
			if choice.FinishReason != nil {
				res.FinishReason = *choice.FinishReason
			}
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, &ProviderError{Msg: "the model provider sent a line longer than 1 MiB"}
		}
		return nil, err
	}
	res.Text = text.String()
	for _, i := range order {
		res.ToolCalls = append(res.ToolCalls, *calls[i])
	}
	return res, nil
}

// excerpt cuts s to at most n bytes on a rune boundary.
func excerpt(s string, n int) string {
	s, _ = arena.Excerpt(arena.CleanText(s), n)
	return s
}
