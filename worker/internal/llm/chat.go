package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/decision"
)

// DefaultMaxSteps is the tool loop's step limit, as in the reference.
const DefaultMaxSteps = 10

// ChatConfig configures a ChatAgent.
type ChatConfig struct {
	Provider    arena.Provider
	Model       string // the provider's model id
	Client      *Client
	MaxSteps    int      // default DefaultMaxSteps
	Temperature *float64 // nil: the variant's temperature
	MaxTokens   int      // completion budget per step; 0 leaves it to the server
	// Extra holds provider-specific request fields, e.g. OpenRouter's
	// "reasoning": {"effort": "high"} or NIM's "chat_template_kwargs".
	Extra map[string]json.RawMessage
	Price Price
	Now   func() time.Time // default time.Now
}

// ChatAgent is an LLM behind an OpenAI-compatible chat-completions API.
type ChatAgent struct {
	cfg ChatConfig
}

// NewChatAgent checks cfg and applies defaults.
func NewChatAgent(cfg ChatConfig) (*ChatAgent, error) {
	if cfg.Client == nil || cfg.Model == "" {
		return nil, errors.New("chat agent: a client and a model id are required")
	}
	if cfg.MaxSteps <= 0 {
		cfg.MaxSteps = DefaultMaxSteps
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &ChatAgent{cfg: cfg}, nil
}

// turn is the state of one Decide call.
type turn struct {
	a        *ChatAgent
	inv      arena.Invocation
	session  *decision.Session
	exec     decision.Executor
	req      chatRequest
	texts    []string
	thoughts []string
	handled  int // tool calls processed so far
}

// Decide runs the tool loop for one turn. See Agent.
func (a *ChatAgent) Decide(ctx context.Context, in Input, exec decision.Executor) (arena.Invocation, error) {
	t := &turn{a: a, exec: exec, session: in.session(a.cfg.Now)}
	start := a.cfg.Now()
	t.inv = arena.Invocation{Provider: a.cfg.Provider, ProviderModel: a.cfg.Model, SystemPrompt: in.System, UserPrompt: in.User, StartedAt: start.UTC()}
	t.req = a.request(in)
	err := t.run(ctx)
	t.keep(strings.Join(t.texts, "\n\n"), strings.Join(t.thoughts, "\n\n"))
	t.inv.CostUSD = a.cfg.Price.Cost(t.inv.Usage)
	t.inv.LatencyMS = a.cfg.Now().Sub(start).Milliseconds()
	if err != nil {
		var e *Error
		if !errors.As(err, &e) {
			e = permanentErr(arena.FailureProviderError, "internal", "the turn failed", err)
		}
		t.inv.Finish, t.inv.Failure = arena.FinishFailed, e.Failure()
		return t.inv, e
	}
	return t.inv, nil
}

func (a *ChatAgent) request(in Input) chatRequest {
	temp := a.cfg.Temperature
	if temp == nil {
		v := in.Variant.Info().Temperature
		temp = &v
	}
	specs := decision.Tools(arena.Symbols(in.Markets), in.Limits)
	tools := make([]tool, len(specs))
	for i, s := range specs {
		tools[i] = tool{Type: "function", Function: toolFunction{Name: s.Name, Description: s.Description, Parameters: s.Parameters}}
	}
	return chatRequest{
		Model: a.cfg.Model, Tools: tools, ToolChoice: "auto", Temperature: temp, MaxTokens: a.cfg.MaxTokens, Extra: a.cfg.Extra,
		Messages: []message{{Role: "system", Content: in.System}, {Role: "user", Content: in.User}},
	}
}

func (t *turn) run(ctx context.Context) error {
	for step := 1; step <= t.a.cfg.MaxSteps; step++ {
		if err := ctx.Err(); err != nil {
			return contextErr(err)
		}
		resp, st, err := t.a.cfg.Client.complete(ctx, &t.req)
		tel := arena.StepTelemetry{Step: step, Attempts: st.Attempts, LatencyMS: st.Latency.Milliseconds(), Time: t.a.cfg.Now().UTC()}
		if err != nil {
			t.inv.Steps = append(t.inv.Steps, tel)
			return err
		}
		done, err := t.step(ctx, step, resp, &tel)
		t.inv.Steps = append(t.inv.Steps, tel)
		if err != nil || done {
			return err
		}
	}
	t.inv.Finish = arena.FinishStepLimit
	return nil
}

// step records one response and handles its tool calls. It reports whether
// the turn is over.
func (t *turn) step(ctx context.Context, step int, resp *chatResponse, tel *arena.StepTelemetry) (bool, error) {
	ch := resp.Choices[0]
	tel.FinishReason, tel.Usage = ch.FinishReason, usageOf(resp.Usage)
	t.inv.Usage = t.inv.Usage.Add(tel.Usage)
	t.inv.ResponseID = cleanText(resp.ID)
	content := cleanText(ch.Message.text())
	text, inline := splitThink(content)
	t.think(cleanText(ch.Message.Reasoning), cleanText(ch.Message.ReasoningContent), inline)
	if text != "" {
		t.texts = append(t.texts, text)
	}
	if len(ch.Message.ToolCalls) == 0 {
		if text == "" && t.handled == 0 {
			return true, permanentErr(arena.FailureParseError, "empty_reply",
				fmt.Sprintf("the model returned neither text nor a tool call (finish_reason %q)", ch.FinishReason), nil)
		}
		t.inv.Finish = arena.FinishStop
		return true, nil
	}
	echo := message{Role: "assistant", Content: content}
	var results []message
	holding := false
	for i, call := range ch.Message.ToolCalls {
		call.ID, call.Type = shortText(call.ID), "function"
		if call.ID == "" {
			call.ID = fmt.Sprintf("call_%d_%d", step, i)
		}
		name, args := shortText(call.Function.Name), cleanJSONText(call.Function.argumentsText())
		call.Function = functionCall{Name: name, Arguments: mustString(args)}
		echo.ToolCalls = append(echo.ToolCalls, call)
		if t.handled >= MaxToolCalls {
			t.inv.Truncated = true
			results = append(results, message{Role: "tool", ToolCallID: call.ID, Content: tooManyCalls})
			continue
		}
		rec := t.session.Handle(ctx, t.exec, decision.Call{ID: call.ID, Name: name, Arguments: json.RawMessage(args), Step: step})
		t.inv.ToolCalls = append(t.inv.ToolCalls, boundArguments(rec))
		tel.ToolNames = append(tel.ToolNames, name)
		t.handled++
		results = append(results, message{Role: "tool", ToolCallID: call.ID, Content: rec.Output})
		holding = holding || rec.Type == arena.ToolHolding && rec.Failure == nil
	}
	if holding {
		t.inv.Finish = arena.FinishHolding
		return true, nil
	}
	t.req.Messages = append(append(t.req.Messages, echo), results...)
	return false, nil
}

// MaxToolCalls is how many tool calls of one turn are handled and recorded;
// later ones are answered with a refusal and not recorded (the invocation
// is flagged truncated).
const MaxToolCalls = 40

const tooManyCalls = "Rejected (parse_error/too_many_calls): this turn has used its tool calls; no further call is executed."

// keep records the turn's text and reasoning as bounded excerpts with
// their full sizes.
func (t *turn) keep(text, reasoning string) {
	var cut1, cut2 bool
	t.inv.ResponseBytes, t.inv.ReasoningBytes = len(text), len(reasoning)
	t.inv.Response, cut1 = arena.Excerpt(text, arena.MaxStoredText)
	t.inv.Reasoning, cut2 = arena.Excerpt(reasoning, arena.MaxStoredText)
	t.inv.Truncated = t.inv.Truncated || cut1 || cut2
}

// boundArguments keeps an excerpt of arguments larger than the recording
// limit, as a JSON string, with their size.
func boundArguments(rec arena.ToolCall) arena.ToolCall {
	if len(rec.Arguments) <= arena.MaxStoredArguments {
		return rec
	}
	ex, _ := arena.Excerpt(string(rec.Arguments), arena.MaxStoredArguments)
	rec.ArgumentsBytes, rec.Arguments = len(rec.Arguments), mustString(ex)
	return rec
}

// maxIdentifier bounds a tool call's id and name as recorded: real ones
// are a few dozen bytes.
const maxIdentifier = 128

// shortText cleans a model-written identifier and cuts it to maxIdentifier.
func shortText(s string) string {
	s, _ = arena.Excerpt(cleanText(s), maxIdentifier)
	return s
}

// mustString encodes s as a JSON string.
func mustString(s string) json.RawMessage {
	b, _ := json.Marshal(s) // a string always encodes
	return b
}

func (t *turn) think(parts ...string) {
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			t.thoughts = append(t.thoughts, p)
		}
	}
}

func usageOf(u *wireUsage) arena.Usage {
	if u == nil {
		return arena.Usage{}
	}
	out := arena.Usage{InputTokens: u.PromptTokens, OutputTokens: u.CompletionTokens, TotalTokens: u.TotalTokens}
	if out.TotalTokens == 0 {
		out.TotalTokens = out.InputTokens + out.OutputTokens
	}
	if u.CompletionTokensDetails != nil {
		out.ReasoningTokens = u.CompletionTokensDetails.ReasoningTokens
	}
	if u.PromptTokensDetails != nil {
		out.CachedInputTokens = u.PromptTokensDetails.CachedTokens
	}
	return out
}
