package arena

import (
	"encoding/json"
	"time"
)

// ToolCallType is what a tool call asked for, spelled as the "ToolCallType"
// database enum spells it. Exit-plan updates are recorded as what they are,
// not disguised as CREATE_POSITION.
type ToolCallType string

// Tool call types.
const (
	ToolCreatePosition ToolCallType = "CREATE_POSITION"
	ToolClosePosition  ToolCallType = "CLOSE_POSITION"
	ToolUpdateExitPlan ToolCallType = "UPDATE_EXIT_PLAN"
	ToolHolding        ToolCallType = "HOLDING"
	ToolUnknown        ToolCallType = "UNKNOWN" // the model named a tool that does not exist
)

// ToolCallTypes lists every type, for enums and validation.
func ToolCallTypes() []ToolCallType {
	return []ToolCallType{ToolCreatePosition, ToolClosePosition, ToolUpdateExitPlan, ToolHolding, ToolUnknown}
}

// Tool result actions.
const (
	ActionOpen           = "open"
	ActionClose          = "close"
	ActionUpdateExitPlan = "update_exit_plan"
	ActionHold           = "hold"
)

// ToolCall is one tool call of an invocation with its checked decisions and
// their outcomes. A call fails wholly (Failure set: unreadable, unknown tool,
// schema violation) or in part (a Result failed).
type ToolCall struct {
	ID           string          `json:"id"`           // assigned by the recorder
	InvocationID string          `json:"invocationId"` // assigned by the recorder
	CallID       string          `json:"callId"`       // the provider's tool_call id
	Step         int             `json:"step"`
	Type         ToolCallType    `json:"type"`
	Name         string          `json:"name"`      // the tool name as the model wrote it
	Arguments    json.RawMessage `json:"arguments"` // as written; text that is not JSON is kept as a JSON string
	Results      []ToolResult    `json:"results,omitempty"`
	Output       string          `json:"output"` // the text returned to the model
	Failure      *Failure        `json:"failure,omitempty"`
	CreatedAt    time.Time       `json:"createdAt"`
	// ArgumentsBytes is the size of the arguments as written when Arguments
	// holds only an excerpt of them (then a JSON string); 0 otherwise.
	ArgumentsBytes int `json:"argumentsBytes,omitempty"`
}

// Failed reports whether the call or any of its decisions failed.
func (c *ToolCall) Failed() bool {
	if c.Failure != nil {
		return true
	}
	for _, r := range c.Results {
		if !r.Success {
			return true
		}
	}
	return false
}

// ToolResult is one checked decision of a tool call (one symbol) and what
// became of it. Decision fields are the normalised values the model asked
// for; FillPrice and RealizedPnL are what the simulator reported.
type ToolResult struct {
	Action       string   `json:"action"` // ActionOpen, ActionClose, ActionUpdateExitPlan, ActionHold
	Symbol       Symbol   `json:"symbol,omitempty"`
	Side         Side     `json:"side,omitempty"`
	Quantity     Fixed    `json:"quantity,omitempty"`
	Leverage     Fixed    `json:"leverage,omitempty"`
	StopLoss     Fixed    `json:"stopLoss,omitempty"`
	ProfitTarget Fixed    `json:"profitTarget,omitempty"`
	Invalidation string   `json:"invalidation,omitempty"`
	Confidence   float64  `json:"confidence,omitempty"` // 0–100 as the model stated it
	Reason       string   `json:"reason,omitempty"`     // the model's reason (holding, exit-plan updates)
	Success      bool     `json:"success"`
	FilledQty    Fixed    `json:"filledQuantity,omitempty"`
	FillPrice    Fixed    `json:"fillPrice,omitempty"`
	RealizedPnL  Fixed    `json:"realizedPnl,omitempty"`
	Message      string   `json:"message,omitempty"`
	Failure      *Failure `json:"failure,omitempty"`
}
