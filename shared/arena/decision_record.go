package arena

import (
	"errors"
	"time"
)

// The agents' decisions as their store records and reads them: what a
// decision shows the model of itself and of its past, and what it records
// when it ends. The store (shared/postgres) takes and returns these; the
// agents declare the interface they need over them.

// AgentModel is a model with the counters a decision shows it.
type AgentModel struct {
	Model
	InvocationCount     int
	TotalMinutes        int
	FailedWorkflowCount int
	FailedToolCallCount int
}

// DecisionCall is a recorded createPosition tool call: its metadata
// document ({decisions, results}) and when it was made.
type DecisionCall struct {
	Metadata string
	At       time.Time
}

// LedgerFill is one FILL entry of the ledger. Amount is the cash it moved:
// realized PnL minus the fee.
type LedgerFill struct {
	Quantity, Price, Amount Fixed
	At                      time.Time
}

// FinishedInvocation is what a decision records when it ends: its outcome
// and its tool calls (ToolCallRecord, Metadata as JSON text).
type FinishedInvocation struct {
	ID              string
	ModelID         string
	Failure         *FailureReason // nil: success
	Response        string
	Payload         []byte // the response payload (JSON)
	LatencyMS       int64
	InputTokens     int64
	OutputTokens    int64
	CostUSD         Fixed
	FinishedAt      time.Time
	ToolCalls       []ToolCallRecord
	FailedToolCalls int // tool calls that failed wholly or in part
}

// Invocation statuses, as stored.
const (
	StatusRunning = "running"
	StatusSuccess = "success"
	StatusFailed  = "failed"
)

// Errors of beginning and finishing a decision's record.
var (
	// ErrDecisionRecorded means the model already has an invocation for
	// this cycle slot: the decision ran (or is running) and must not run
	// again.
	ErrDecisionRecorded = errors.New("a decision is already recorded for this model and cycle slot")
	// ErrModelBusy means another decision of the model is running.
	ErrModelBusy = errors.New("another decision of this model is running")
	// ErrNotRunning means the invocation is no longer running: it was
	// failed as abandoned while it ran past the decision timeout.
	ErrNotRunning = errors.New("the invocation is no longer running")
)

// InvocationFilter selects stored invocations (InvocationRecord).
type InvocationFilter struct {
	ModelIDs  []string // nil: every model
	Limit     int      // invocations
	ToolLimit int      // tool calls per invocation, the first ones
	// FailedOnly keeps invocations that failed or had a failed tool call.
	FailedOnly bool
	// Before, when set, keeps invocations older than it in the listing's
	// order (keyset paging: pass the last row of the previous page).
	Before *InvocationCursor
	// TextLimit > 0 cuts the response and each tool call's metadata to at
	// most that many bytes (on a character boundary); PayloadLimit > 0
	// leaves out a responsePayload larger than that as JSON text. What a
	// model produced is then read bounded, whatever it sent.
	TextLimit, PayloadLimit int
}

// InvocationCursor is a position in the newest-first listing.
type InvocationCursor struct {
	CreatedAt time.Time
	ID        string
}
