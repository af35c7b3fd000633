package rpc

import (
	"cmp"
	"context"
	"encoding/json"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/views"
)

// FailuresInput is analytics.getFailures' input.
type FailuresInput struct {
	SeasonID string `json:"seasonId,omitempty"` // absent or "live": the live arena; else a stored season's id
	Limit    *int   `json:"limit,omitempty"`    // 1..100, default 50
	Variant  string `json:"variant,omitempty"`  // all (default) or a variant
}

// Validate checks the bounds.
func (in *FailuresInput) Validate() error {
	return issues(checkInt("limit", in.Limit, 1, 100), checkVariant(in.Variant, true))
}

// FailuresOutput is analytics.getFailures' output.
type FailuresOutput struct {
	Failures   []FailureEntry      `json:"failures"`
	ModelStats []ModelFailureStats `json:"modelStats"`
}

// FailureEntry is a decision that failed as a whole (status failed, with a
// structured reason) or had at least one failed tool call. Failures are
// recorded as such by the agents; nothing is guessed from response text.
type FailureEntry struct {
	InvocationID      string            `json:"invocationId"`
	ModelID           string            `json:"modelId"`
	ModelName         string            `json:"modelName"`
	Variant           arena.Variant     `json:"variant,omitempty"`
	Response          string            `json:"response"`
	ResponsePayload   json.RawMessage   `json:"responsePayload"`
	CreatedAt         Date              `json:"createdAt"`
	ToolCalls         []FailureToolCall `json:"toolCalls"`
	FailureReason     *string           `json:"failureReason"` // one of arena.FailureReasons, or null
	FailureSource     string            `json:"failureSource"` // invocation or tool_call
	FailedToolCalls   int               `json:"failedToolCalls"`
	StepTelemetry     []StepItem        `json:"stepTelemetry,omitempty"`
	TotalSteps        *int              `json:"totalSteps,omitempty"`
	TotalInputTokens  int64             `json:"totalInputTokens"`
	TotalOutputTokens int64             `json:"totalOutputTokens"`
	CostUsd           arena.Fixed       `json:"costUsd"`
	LatencyMs         int64             `json:"latencyMs"`
}

// FailureToolCall is a tool call of a failed decision, its metadata as stored.
type FailureToolCall struct {
	ID           string `json:"id"`
	ToolCallType string `json:"toolCallType"`
	Metadata     string `json:"metadata"`
	CreatedAt    Date   `json:"createdAt"`
	Success      bool   `json:"success"`
}

// StepItem is one model call of a decision's tool loop.
type StepItem struct {
	StepNumber   int      `json:"stepNumber"`
	ToolNames    []string `json:"toolNames"`
	InputTokens  int64    `json:"inputTokens"`
	OutputTokens int64    `json:"outputTokens"`
	TotalTokens  int64    `json:"totalTokens"`
	Timestamp    string   `json:"timestamp"`
}

// ModelFailureStats counts an account's failures over all its decisions.
type ModelFailureStats struct {
	ModelID             string          `json:"modelId"`
	ModelName           string          `json:"modelName"`
	Variant             arena.Variant   `json:"variant"`
	FailedWorkflowCount int             `json:"failedWorkflowCount"`
	FailedToolCallCount int             `json:"failedToolCallCount"` // decisions with a failed tool call
	FailedCount         int             `json:"failedCount"`         // decisions with either
	InvocationCount     int             `json:"invocationCount"`
	FailureRate         float64         `json:"failureRate"` // failedCount / invocationCount, percent
	Kind                arena.ModelKind `json:"kind"`
}

func (a *api) getFailures(ctx context.Context, in FailuresInput) (FailuresOutput, error) {
	limit := 50
	if in.Limit != nil {
		limit = *in.Limit
	}
	if !isLive(in.SeasonID) {
		return a.seasonFailures(ctx, in, limit)
	}
	s, err := a.scope(ctx, in.Variant)
	if err != nil {
		return FailuresOutput{}, err
	}
	invs, err := a.DB.Invocations(ctx, arena.InvocationFilter{ModelIDs: s.ids, Limit: limit, ToolLimit: maxToolCalls, FailedOnly: true,
		TextLimit: modelTextLimit, PayloadLimit: modelPayloadLimit})
	if err != nil {
		return FailuresOutput{}, dbErr(err, "failures")
	}
	totals, err := a.DB.ActivityTotals(ctx, s.ids)
	if err != nil {
		return FailuresOutput{}, dbErr(err, "activity")
	}
	out := FailuresOutput{Failures: make([]FailureEntry, 0, len(invs)), ModelStats: make([]ModelFailureStats, 0, len(s.models))}
	for i := range invs {
		out.Failures = append(out.Failures, failureEntry(&invs[i], s.model(invs[i].ModelID)))
	}
	for _, m := range s.models {
		out.ModelStats = append(out.ModelStats, modelFailureStats(m, totals[m.ID]))
	}
	return out, nil
}

func failureEntry(inv *arena.InvocationRecord, m arena.Model) FailureEntry {
	e := FailureEntry{InvocationID: inv.ID, ModelID: inv.ModelID, ModelName: m.Name, Variant: views.Variant(m),
		Response: inv.Response, ResponsePayload: inv.Payload, CreatedAt: Date(inv.CreatedAt),
		ToolCalls: make([]FailureToolCall, 0, len(inv.ToolCalls)), FailureSource: "tool_call",
		TotalInputTokens: inv.InputTokens, TotalOutputTokens: inv.OutputTokens, CostUsd: inv.CostUSD, LatencyMs: inv.LatencyMS}
	for _, tc := range inv.ToolCalls {
		e.ToolCalls = append(e.ToolCalls, FailureToolCall{ID: tc.ID, ToolCallType: string(tc.Type), Metadata: tc.Metadata,
			CreatedAt: Date(tc.CreatedAt), Success: tc.Success})
		if !tc.Success {
			e.FailedToolCalls++
			if e.FailureReason == nil {
				e.FailureReason = toolFailureReason(tc.Metadata)
			}
		}
	}
	if inv.Status == "failed" {
		e.FailureSource = "invocation"
		if inv.FailureReason != "" {
			r := inv.FailureReason
			e.FailureReason = &r
		}
	}
	e.StepTelemetry, e.TotalSteps = steps(inv.Payload)
	return e
}

// toolFailureReason reads the structured reason a failed tool call's
// metadata carries (arena.ToolCall: failure.reason, or the first failed
// result's failure.reason); nil when it has none.
func toolFailureReason(metadata string) *string {
	type failure struct {
		Reason arena.FailureReason `json:"reason"`
	}
	var doc struct {
		Failure *failure `json:"failure"`
		Results []struct {
			Success *bool    `json:"success"`
			Failure *failure `json:"failure"`
		} `json:"results"`
	}
	if json.Unmarshal([]byte(metadata), &doc) != nil {
		return nil
	}
	valid := func(f *failure) *string {
		if f == nil {
			return nil
		}
		for _, r := range arena.FailureReasons() {
			if f.Reason == r {
				s := string(r)
				return &s
			}
		}
		return nil
	}
	if r := valid(doc.Failure); r != nil {
		return r
	}
	for _, res := range doc.Results {
		if r := valid(res.Failure); r != nil {
			return r
		}
	}
	return nil
}

// steps reads the step telemetry of a response payload, in either the
// arena's shape (usage nested) or the reference's (tokens flat).
func steps(payload json.RawMessage) ([]StepItem, *int) {
	if len(payload) == 0 {
		return nil, nil
	}
	var doc struct {
		StepTelemetry []struct {
			StepNumber   int      `json:"stepNumber"`
			ToolNames    []string `json:"toolNames"`
			InputTokens  int64    `json:"inputTokens"`
			OutputTokens int64    `json:"outputTokens"`
			TotalTokens  int64    `json:"totalTokens"`
			Usage        *struct {
				InputTokens  int64 `json:"inputTokens"`
				OutputTokens int64 `json:"outputTokens"`
				TotalTokens  int64 `json:"totalTokens"`
			} `json:"usage"`
			Timestamp string `json:"timestamp"`
		} `json:"stepTelemetry"`
		TotalSteps *int `json:"totalSteps"`
	}
	if json.Unmarshal(payload, &doc) != nil || doc.StepTelemetry == nil {
		return nil, doc.TotalSteps
	}
	out := make([]StepItem, 0, len(doc.StepTelemetry))
	for _, st := range doc.StepTelemetry {
		it := StepItem{StepNumber: st.StepNumber, ToolNames: st.ToolNames, InputTokens: st.InputTokens,
			OutputTokens: st.OutputTokens, TotalTokens: st.TotalTokens, Timestamp: st.Timestamp}
		if u := st.Usage; u != nil {
			it.InputTokens, it.OutputTokens, it.TotalTokens = u.InputTokens, u.OutputTokens, u.TotalTokens
		}
		if it.ToolNames == nil {
			it.ToolNames = []string{}
		}
		out = append(out, it)
	}
	n := cmp.Or(doc.TotalSteps, new(int))
	if *n == 0 {
		*n = len(out)
	}
	return out, n
}
