package views

import (
	"encoding/json"

	"github.com/autonome-go/autonome/shared/arena"
)

// Conversation is one finished decision in the shape of an item of the
// reference's models.getInvocations (plus its outcome, tokens and cost).
type Conversation struct {
	ID              string             `json:"id"`
	ModelID         string             `json:"modelId"`
	ModelName       string             `json:"modelName"`
	ModelVariant    arena.Variant      `json:"modelVariant,omitempty"`
	ModelLogo       string             `json:"modelLogo"`
	Response        string             `json:"response"`
	ResponsePayload json.RawMessage    `json:"responsePayload,omitempty"`
	Timestamp       string             `json:"timestamp"`
	ToolCalls       []ConversationCall `json:"toolCalls"`
	Status          string             `json:"status"` // success or failed
	FailureReason   string             `json:"failureReason,omitempty"`
	InputTokens     int64              `json:"inputTokens"`
	OutputTokens    int64              `json:"outputTokens"`
	CostUSD         arena.Fixed        `json:"costUsd"`
	LatencyMS       int64              `json:"latencyMs"`
	// Set only when a reader bounded what it read (arena.InvocationRecord):
	// the response was cut to its first bytes, or a payload too large was
	// left out; the *Bytes fields give the stored sizes.
	ResponseTruncated      bool `json:"responseTruncated,omitempty"`
	ResponseBytes          int  `json:"responseBytes,omitempty"`
	ResponsePayloadOmitted bool `json:"responsePayloadOmitted,omitempty"`
	ResponsePayloadBytes   int  `json:"responsePayloadBytes,omitempty"`
}

// ConversationCall is one tool call; Metadata splits the stored document
// into its decisions and results and keeps the original text as Raw.
type ConversationCall struct {
	ID        string       `json:"id"`
	Type      string       `json:"type"`
	Metadata  CallMetadata `json:"metadata"`
	Timestamp string       `json:"timestamp"`
	Success   bool         `json:"success"`
	// Set only when the stored metadata was cut (Raw is then its first
	// bytes, and decisions and results are empty).
	MetadataTruncated bool `json:"metadataTruncated,omitempty"`
	MetadataBytes     int  `json:"metadataBytes,omitempty"`
}

// CallMetadata is the reference's {raw, decisions, results}.
type CallMetadata struct {
	Raw       string            `json:"raw"`
	Decisions []json.RawMessage `json:"decisions"`
	Results   []json.RawMessage `json:"results"`
}

// ConversationFromRow shapes a stored invocation of model m; payload is the
// responsePayload to show (the stored one, or a trimmed copy).
func ConversationFromRow(inv *arena.InvocationRecord, m arena.Model, payload json.RawMessage) Conversation {
	c := Conversation{ID: inv.ID, ModelID: inv.ModelID, ModelName: m.Name, ModelVariant: Variant(m),
		ModelLogo: m.ProviderModel, Response: inv.Response, ResponsePayload: payload, Timestamp: ISO(inv.CreatedAt),
		ToolCalls: make([]ConversationCall, 0, len(inv.ToolCalls)), Status: inv.Status, FailureReason: inv.FailureReason,
		InputTokens: inv.InputTokens, OutputTokens: inv.OutputTokens, CostUSD: inv.CostUSD, LatencyMS: inv.LatencyMS}
	if len(inv.Response) < inv.ResponseBytes {
		c.ResponseTruncated, c.ResponseBytes = true, inv.ResponseBytes
	}
	if inv.Payload == nil && inv.PayloadBytes > 0 {
		c.ResponsePayloadOmitted, c.ResponsePayloadBytes = true, inv.PayloadBytes
	}
	for _, tc := range inv.ToolCalls {
		call := ConversationCall{ID: tc.ID, Type: string(tc.Type), Metadata: SplitMetadata(tc.Metadata),
			Timestamp: ISO(tc.CreatedAt), Success: tc.Success}
		if len(tc.Metadata) < tc.MetadataBytes {
			call.MetadataTruncated, call.MetadataBytes = true, tc.MetadataBytes
		}
		c.ToolCalls = append(c.ToolCalls, call)
	}
	return c
}

// SplitMetadata reads the decisions and results arrays of a stored tool
// call document (the reference's createPosition shape, or updates for an
// exit plan update); anything else yields empty arrays.
func SplitMetadata(raw string) CallMetadata {
	md := CallMetadata{Raw: raw, Decisions: []json.RawMessage{}, Results: []json.RawMessage{}}
	var doc struct {
		Decisions []json.RawMessage `json:"decisions"`
		Updates   []json.RawMessage `json:"updates"`
		Results   []json.RawMessage `json:"results"`
	}
	if json.Unmarshal([]byte(raw), &doc) != nil {
		return md
	}
	switch {
	case doc.Decisions != nil:
		md.Decisions = doc.Decisions
	case doc.Updates != nil:
		md.Decisions = doc.Updates
	}
	if doc.Results != nil {
		md.Results = doc.Results
	}
	return md
}
