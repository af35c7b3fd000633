package arena

import "time"

// FinishReason tells how an agent's turn ended.
type FinishReason string

// Finish reasons.
const (
	FinishHolding   FinishReason = "holding"    // the agent called the holding tool
	FinishStop      FinishReason = "stop"       // the model answered with text and no further tool call
	FinishStepLimit FinishReason = "step_limit" // the tool loop reached its step limit
	FinishFailed    FinishReason = "failed"     // see Invocation.Failure
)

// Usage counts tokens. ReasoningTokens and CachedInputTokens are the parts of
// OutputTokens and InputTokens that the provider reported as such (0 when it
// does not say).
type Usage struct {
	InputTokens       int64 `json:"inputTokens"`
	OutputTokens      int64 `json:"outputTokens"`
	ReasoningTokens   int64 `json:"reasoningTokens,omitempty"`
	CachedInputTokens int64 `json:"cachedInputTokens,omitempty"`
	TotalTokens       int64 `json:"totalTokens"`
}

// Add returns the sum of u and v.
func (u Usage) Add(v Usage) Usage {
	return Usage{
		InputTokens:       u.InputTokens + v.InputTokens,
		OutputTokens:      u.OutputTokens + v.OutputTokens,
		ReasoningTokens:   u.ReasoningTokens + v.ReasoningTokens,
		CachedInputTokens: u.CachedInputTokens + v.CachedInputTokens,
		TotalTokens:       u.TotalTokens + v.TotalTokens,
	}
}

// StepTelemetry describes one model call of a tool loop.
type StepTelemetry struct {
	Step         int       `json:"stepNumber"` // 1-based
	ToolNames    []string  `json:"toolNames"`  // tools the model called in this step, in order
	Usage        Usage     `json:"usage"`
	LatencyMS    int64     `json:"latencyMs"`              // wall time of the step's HTTP exchange, retries included
	Attempts     int       `json:"attempts"`               // HTTP attempts (1 without retries)
	FinishReason string    `json:"finishReason,omitempty"` // the provider's finish_reason
	Time         time.Time `json:"timestamp"`
}

// Invocation is the record of one agent turn: what it was shown, what it
// answered, every step and tool call, what it cost, and how it ended. ID,
// ModelID and the ToolCalls' InvocationID are assigned by whoever stores it.
type Invocation struct {
	ID            string          `json:"id"`
	ModelID       string          `json:"modelId"`
	Provider      Provider        `json:"provider"`
	ProviderModel string          `json:"providerModel"`
	SystemPrompt  string          `json:"systemPrompt"`
	UserPrompt    string          `json:"userPrompt"`
	Response      string          `json:"response"`            // final assistant text, trimmed
	Reasoning     string          `json:"reasoning,omitempty"` // where the provider returns it
	Finish        FinishReason    `json:"finishReason"`
	Steps         []StepTelemetry `json:"stepTelemetry"`
	ToolCalls     []ToolCall      `json:"toolCalls"`
	Usage         Usage           `json:"usage"`   // summed over steps
	CostUSD       Fixed           `json:"costUsd"` // from the model's price table entry
	LatencyMS     int64           `json:"latencyMs"`
	StartedAt     time.Time       `json:"startedAt"`
	ResponseID    string          `json:"providerResponseId,omitempty"` // id of the last provider response
	Failure       *Failure        `json:"failure,omitempty"`            // nil when the turn completed
	// ResponseBytes and ReasoningBytes are the full sizes of Response and
	// Reasoning as the model sent them; Truncated is set when either, or
	// the number of tool calls, was cut to the recording limits.
	ResponseBytes  int  `json:"responseBytes,omitempty"`
	ReasoningBytes int  `json:"reasoningBytes,omitempty"`
	Truncated      bool `json:"truncated,omitempty"`
}

// Failed reports whether the turn as a whole failed.
func (inv *Invocation) Failed() bool { return inv.Failure != nil }

// FailedToolCalls counts the tool calls that failed wholly or in part.
func (inv *Invocation) FailedToolCalls() int {
	n := 0
	for i := range inv.ToolCalls {
		if inv.ToolCalls[i].Failed() {
			n++
		}
	}
	return n
}
