package arena

import (
	"encoding/json"
	"time"
)

// InvocationRecord is a finished decision as it was stored and is read
// back for display: the outcome of an Invocation, with its tool calls. A
// reader may bound what it reads (arena.InvocationFilter): Response and
// each call's Metadata then hold their first bytes, a Payload too large is
// left out, and the *Bytes fields give the stored sizes.
type InvocationRecord struct {
	ID            string
	ModelID       string
	Response      string
	ResponseBytes int             // the stored response's size
	Payload       json.RawMessage // the stored response payload; nil when absent or left out
	PayloadBytes  int             // its stored size as JSON text; 0 when absent
	Status        string          // success or failed
	FailureReason string          // one of FailureReasons, "" when none
	LatencyMS     int64
	InputTokens   int64
	OutputTokens  int64
	CostUSD       Fixed
	CreatedAt     time.Time
	ToolCalls     []ToolCallRecord
}

// ToolCallRecord is one stored tool call of an InvocationRecord. Metadata is
// the stored document (JSON text), possibly cut.
type ToolCallRecord struct {
	ID            string
	Type          ToolCallType
	Metadata      string
	MetadataBytes int // the stored metadata's size
	Success       bool
	CreatedAt     time.Time
}
