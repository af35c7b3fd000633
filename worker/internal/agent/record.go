package agent

import (
	"encoding/json"
	"fmt"
	"github.com/autonome-go/autonome/shared/views"
	"time"

	"github.com/google/uuid"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/decision"
)

// The stored documents follow the reference's shapes: "ToolCalls".metadata
// is {decisions, results} (plus action/reason for exit-plan updates and
// holding, symbols for closes), and "Invocations".responsePayload is the
// whole arena.Invocation with the reference's summary keys beside it.

// decisionDoc is one decision of a tool call, normalised.
type decisionDoc struct {
	Symbol                arena.Symbol `json:"symbol,omitempty"`
	Signal                string       `json:"signal,omitempty"` // LONG, SHORT or HOLD
	Side                  arena.Side   `json:"side,omitempty"`
	Quantity              arena.Fixed  `json:"quantity,omitzero"`
	Leverage              arena.Fixed  `json:"leverage,omitzero"`
	ProfitTarget          arena.Fixed  `json:"profitTarget,omitzero"`
	StopLoss              arena.Fixed  `json:"stopLoss,omitzero"`
	InvalidationCondition string       `json:"invalidationCondition,omitempty"`
	InvalidationPrice     arena.Fixed  `json:"invalidationPrice,omitzero"`
	TimeExit              *time.Time   `json:"timeExit,omitempty"`
	CooldownUntil         *time.Time   `json:"cooldownUntil,omitempty"`
	Confidence            *float64     `json:"confidence,omitempty"` // 0–100 as stated
	Reason                string       `json:"reason,omitempty"`
}

// resultDoc is what became of one decision.
type resultDoc struct {
	Symbol         arena.Symbol        `json:"symbol,omitempty"`
	Side           arena.Side          `json:"side,omitempty"`
	Action         string              `json:"action"`
	Success        bool                `json:"success"`
	Quantity       arena.Fixed         `json:"quantity,omitzero"`
	FilledQuantity arena.Fixed         `json:"filledQuantity,omitzero"`
	Price          arena.Fixed         `json:"price,omitzero"` // average fill price
	RealizedPnL    arena.Fixed         `json:"realizedPnl,omitzero"`
	StopLoss       arena.Fixed         `json:"stopLoss,omitzero"`
	ProfitTarget   arena.Fixed         `json:"profitTarget,omitzero"`
	Message        string              `json:"message,omitempty"`
	Error          string              `json:"error,omitempty"`
	FailureReason  arena.FailureReason `json:"failureReason,omitempty"`
	Code           string              `json:"code,omitempty"`
}

// metadataDoc is a "ToolCalls".metadata document.
type metadataDoc struct {
	Action    string          `json:"action,omitempty"`    // updateExitPlan, holding
	Reason    string          `json:"reason,omitempty"`    // holding
	Timestamp string          `json:"timestamp,omitempty"` // holding
	Symbols   []arena.Symbol  `json:"symbols,omitempty"`   // closePosition
	Decisions []decisionDoc   `json:"decisions"`
	Results   []resultDoc     `json:"results"`
	CallID    string          `json:"callId,omitempty"`
	Step      int             `json:"step"`
	Name      string          `json:"name"`
	Arguments json.RawMessage `json:"arguments"`
	Output    string          `json:"output"`
	Failure   *arena.Failure  `json:"failure,omitempty"`
}

// payloadDoc is an "Invocations".responsePayload document.
type payloadDoc struct {
	arena.Invocation
	Prompt            string               `json:"prompt"` // the user prompt, under the reference's key
	ModelName         string               `json:"modelName"`
	Variant           arena.Variant        `json:"variant"`
	CycleSlot         string               `json:"cycleSlot"`
	Attempt           int                  `json:"attempt"`
	Decisions         []decisionDoc        `json:"decisions"`
	ExecutionResults  []resultDoc          `json:"executionResults"`
	TotalSteps        int                  `json:"totalSteps"`
	TotalInputTokens  int64                `json:"totalInputTokens"`
	TotalOutputTokens int64                `json:"totalOutputTokens"`
	FailureReason     *arena.FailureReason `json:"failureReason"`
	Error             string               `json:"error,omitempty"`
	PromptsOmitted    bool                 `json:"promptsOmitted,omitempty"` // the dashboards' copy: no prompts, no tool call details
}

// turnInfo is what the record of a turn needs beside the invocation.
type turnInfo struct {
	model     arena.AgentModel
	cycleSlot string
	attempt   int
	markets   map[arena.Symbol]arena.Market
	began     time.Time // the row's createdAt, which the API shows as the timestamp
	finished  time.Time
}

// record is one finished turn in the forms it is stored and published in.
type record struct {
	row          arena.FinishedInvocation
	conversation Conversation
}

// newRecord converts a finished turn (inv.ID and inv.ModelID set).
func newRecord(inv *arena.Invocation, ti turnInfo) (record, error) {
	p := payloadDoc{Invocation: *inv, Prompt: inv.UserPrompt, ModelName: ti.model.Name, Variant: ti.model.Variant,
		CycleSlot: ti.cycleSlot, Attempt: ti.attempt, Decisions: []decisionDoc{}, ExecutionResults: []resultDoc{},
		TotalSteps: len(inv.Steps), TotalInputTokens: inv.Usage.InputTokens, TotalOutputTokens: inv.Usage.OutputTokens}
	row := arena.FinishedInvocation{ID: inv.ID, ModelID: inv.ModelID, Response: responseText(inv), LatencyMS: inv.LatencyMS,
		InputTokens: inv.Usage.InputTokens, OutputTokens: inv.Usage.OutputTokens, CostUSD: inv.CostUSD, FinishedAt: ti.finished,
		FailedToolCalls: inv.FailedToolCalls()}
	if f := inv.Failure; f != nil {
		p.FailureReason, p.Error = &f.Reason, f.Message
		row.Failure = &f.Reason
	}
	published, cut := arena.Excerpt(row.Response, arena.MaxPublishedText)
	conv := Conversation{ID: inv.ID, ModelID: inv.ModelID, ModelName: ti.model.Name, ModelVariant: ti.model.Variant,
		ModelLogo: ti.model.ProviderModel, Response: published, Timestamp: isoTime(ti.began), ResponseTruncated: cut,
		ToolCalls: make([]ConversationCall, 0, len(inv.ToolCalls)), Status: arena.StatusSuccess, InputTokens: row.InputTokens,
		OutputTokens: row.OutputTokens, CostUSD: row.CostUSD, LatencyMS: row.LatencyMS}
	if row.Failure != nil {
		conv.Status, conv.FailureReason = arena.StatusFailed, string(*row.Failure)
	}
	if cut {
		conv.ResponseBytes = len(row.Response)
	}
	for i := range inv.ToolCalls {
		tc := &inv.ToolCalls[i]
		md := metadataOf(tc, ti.markets)
		raw, err := json.Marshal(md)
		if err != nil {
			return record{}, fmt.Errorf("encode tool call metadata: %w", err)
		}
		row.ToolCalls = append(row.ToolCalls, arena.ToolCallRecord{ID: tc.ID, Type: tc.Type, Metadata: string(raw),
			Success: !tc.Failed(), CreatedAt: tc.CreatedAt})
		call, err := conversationCall(tc, publishedMetadata(md))
		if err != nil {
			return record{}, err
		}
		conv.ToolCalls = append(conv.ToolCalls, call)
		p.Decisions = append(p.Decisions, md.Decisions...)
		p.ExecutionResults = append(p.ExecutionResults, md.Results...)
	}
	var err error
	if row.Payload, err = json.Marshal(p); err != nil {
		return record{}, fmt.Errorf("encode response payload: %w", err)
	}
	// The dashboards' copy leaves out the prompts and what the conversation's
	// tool calls already carry; the API serves the whole document.
	p.SystemPrompt, p.UserPrompt, p.Prompt, p.PromptsOmitted = "", "", "", true
	p.ToolCalls, p.Decisions, p.ExecutionResults = nil, nil, nil
	p.Response, _ = arena.Excerpt(p.Response, arena.MaxPublishedText)
	p.Reasoning, _ = arena.Excerpt(p.Reasoning, arena.MaxPublishedText)
	if conv.ResponsePayload, err = json.Marshal(p); err != nil {
		return record{}, fmt.Errorf("encode response payload: %w", err)
	}
	return record{row: row, conversation: conv}, nil
}

// responseText is the "response" column: the model's final text, or what
// went wrong.
// Agents bound their text already; the cut here keeps any agent's record
// storable.
func responseText(inv *arena.Invocation) string {
	msg := inv.Response
	if f := inv.Failure; f != nil {
		msg = "Decision failed (" + string(f.Reason) + "/" + f.Code + "): " + f.Message
		if inv.Response != "" {
			msg += "\n\n" + inv.Response
		}
	}
	msg, _ = arena.Excerpt(arena.CleanText(msg), arena.MaxStoredText+1024)
	return msg
}

// publishedMetadata is the copy of a tool call's metadata sent in events:
// the arguments cut to the published limit.
func publishedMetadata(md metadataDoc) metadataDoc {
	if len(md.Arguments) > arena.MaxPublishedArgs {
		ex, _ := arena.Excerpt(string(md.Arguments), arena.MaxPublishedArgs)
		md.Arguments, _ = json.Marshal(ex)
	}
	return md
}

// assignIDs gives the turn and its tool calls their ids.
func assignIDs(inv *arena.Invocation, id, modelID string) {
	inv.ID, inv.ModelID = id, modelID
	for i := range inv.ToolCalls {
		inv.ToolCalls[i].ID, inv.ToolCalls[i].InvocationID = uuid.NewString(), id
	}
}

// metadataOf builds the metadata document of one tool call.
func metadataOf(tc *arena.ToolCall, markets map[arena.Symbol]arena.Market) metadataDoc {
	md := metadataDoc{Decisions: []decisionDoc{}, Results: []resultDoc{}, CallID: tc.CallID, Step: tc.Step, Name: tc.Name,
		Arguments: tc.Arguments, Output: tc.Output, Failure: tc.Failure}
	if f := tc.Failure; f != nil {
		md.Results = append(md.Results, resultDoc{Action: actionOf(tc.Type), Error: f.Message, FailureReason: f.Reason, Code: f.Code})
		return md
	}
	switch tc.Type {
	case arena.ToolCreatePosition:
		opens, _, _ := decision.ParseCreatePosition(tc.Arguments, markets, tc.CreatedAt)
		for i, r := range tc.Results {
			d := decisionDoc{Symbol: r.Symbol, Side: r.Side, Signal: string(r.Side), Quantity: r.Quantity, Leverage: r.Leverage,
				ProfitTarget: r.ProfitTarget, StopLoss: r.StopLoss, InvalidationCondition: r.Invalidation, Confidence: &r.Confidence}
			if r.Action == arena.ActionHold {
				d.Signal = "HOLD"
			}
			if i < len(opens) {
				o := opens[i]
				d.InvalidationPrice, d.TimeExit, d.CooldownUntil = o.InvalidationPrice, timePtr(o.TimeExit), timePtr(o.CooldownUntil)
			}
			md.Decisions = append(md.Decisions, d)
			md.Results = append(md.Results, resultOf(r))
		}
	case arena.ToolUpdateExitPlan:
		md.Action = "updateExitPlan"
		for _, r := range tc.Results {
			md.Decisions = append(md.Decisions, decisionDoc{Symbol: r.Symbol, Side: r.Side, Signal: string(r.Side), Quantity: r.Quantity,
				ProfitTarget: r.ProfitTarget, StopLoss: r.StopLoss, Reason: r.Reason})
			md.Results = append(md.Results, resultOf(r))
		}
	case arena.ToolClosePosition:
		for _, r := range tc.Results {
			md.Symbols = append(md.Symbols, r.Symbol)
			md.Decisions = append(md.Decisions, decisionDoc{Symbol: r.Symbol, Side: r.Side, Quantity: r.Quantity})
			md.Results = append(md.Results, resultOf(r))
		}
	case arena.ToolHolding:
		md.Action, md.Timestamp = "holding", isoTime(tc.CreatedAt)
		if len(tc.Results) > 0 {
			md.Reason = tc.Results[0].Reason
		}
	}
	return md
}

func resultOf(r arena.ToolResult) resultDoc {
	d := resultDoc{Symbol: r.Symbol, Side: r.Side, Action: r.Action, Success: r.Success, Quantity: r.Quantity,
		FilledQuantity: r.FilledQty, Price: r.FillPrice, RealizedPnL: r.RealizedPnL, Message: r.Message}
	if r.Action == arena.ActionUpdateExitPlan {
		d.StopLoss, d.ProfitTarget = r.StopLoss, r.ProfitTarget
	}
	if f := r.Failure; f != nil {
		d.Error, d.FailureReason, d.Code = f.Message, f.Reason, f.Code
	}
	return d
}

func actionOf(t arena.ToolCallType) string {
	switch t {
	case arena.ToolCreatePosition:
		return arena.ActionOpen
	case arena.ToolClosePosition:
		return arena.ActionClose
	case arena.ToolUpdateExitPlan:
		return arena.ActionUpdateExitPlan
	case arena.ToolHolding:
		return arena.ActionHold
	}
	return "unknown"
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

// isoTime writes times as the API does (JavaScript's toISOString).
func isoTime(t time.Time) string { return views.ISO(t) }
