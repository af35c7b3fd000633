package rpc

import (
	"context"
	"encoding/json"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/postgres"
)

// ModelsInput is models.getModels' input.
type ModelsInput struct {
	Variant string `json:"variant,omitempty"`
}

// Validate checks the variant.
func (in *ModelsInput) Validate() error { return issues(checkVariant(in.Variant, true)) }

// ModelsOutput is models.getModels' output.
type ModelsOutput struct {
	Models  []ModelItem `json:"models"`
	Warning string      `json:"warning,omitempty"`
}

// ModelItem is one account. Nothing secret is ever part of it.
type ModelItem struct {
	ID                  string          `json:"id"`
	Name                string          `json:"name"`
	Variant             arena.Variant   `json:"variant"`
	OpenRouterModelName string          `json:"openRouterModelName"`
	Provider            arena.Provider  `json:"provider"`
	Kind                arena.ModelKind `json:"kind"`
	Active              bool            `json:"active"`
}

func (a *api) getModels(ctx context.Context, in ModelsInput) (ModelsOutput, error) {
	s, err := a.scope(ctx, in.Variant)
	if err != nil {
		return ModelsOutput{}, err
	}
	out := ModelsOutput{Models: make([]ModelItem, 0, len(s.models))}
	for _, m := range s.models {
		out.Models = append(out.Models, ModelItem{ID: m.ID, Name: m.Name, Variant: m.Variant,
			OpenRouterModelName: m.ProviderModel, Provider: m.Provider, Kind: m.Kind, Active: m.Active})
	}
	return out, nil
}

// InvocationsInput is models.getInvocations' input; the reference takes
// none and returns the latest 100.
type InvocationsInput struct {
	Variant string `json:"variant,omitempty"`
	Limit   *int   `json:"limit,omitempty"` // 1..100, default 100
}

// Validate checks the bounds.
func (in *InvocationsInput) Validate() error {
	return issues(checkVariant(in.Variant, true), checkInt("limit", in.Limit, 1, 100))
}

// InvocationsOutput is models.getInvocations' output.
type InvocationsOutput struct {
	Conversations []Conversation `json:"conversations"`
}

// Conversation is one finished decision with its tool calls (at most 50).
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
	CostUsd         arena.Fixed        `json:"costUsd"`
	LatencyMs       int64              `json:"latencyMs"`
}

// ConversationCall is one tool call; Metadata splits the stored document
// into its decisions and results and keeps the original text as Raw.
type ConversationCall struct {
	ID        string       `json:"id"`
	Type      string       `json:"type"`
	Metadata  CallMetadata `json:"metadata"`
	Timestamp string       `json:"timestamp"`
	Success   bool         `json:"success"`
}

// CallMetadata is the reference's {raw, decisions, results}.
type CallMetadata struct {
	Raw       string            `json:"raw"`
	Decisions []json.RawMessage `json:"decisions"`
	Results   []json.RawMessage `json:"results"`
}

const maxToolCalls = 50

func (a *api) getInvocations(ctx context.Context, in InvocationsInput) (InvocationsOutput, error) {
	s, err := a.scope(ctx, in.Variant)
	if err != nil {
		return InvocationsOutput{}, err
	}
	limit := 100
	if in.Limit != nil {
		limit = *in.Limit
	}
	invs, err := a.DB.Invocations(ctx, postgres.InvocationFilter{ModelIDs: s.ids, Limit: limit, ToolLimit: maxToolCalls})
	if err != nil {
		return InvocationsOutput{}, dbErr(err, "invocations")
	}
	out := InvocationsOutput{Conversations: make([]Conversation, 0, len(invs))}
	for _, inv := range invs {
		m := s.model(inv.ModelID)
		c := Conversation{ID: inv.ID, ModelID: inv.ModelID, ModelName: m.Name, ModelVariant: m.Variant,
			ModelLogo: m.ProviderModel, Response: inv.Response, ResponsePayload: inv.Payload, Timestamp: ISO(inv.CreatedAt),
			ToolCalls: make([]ConversationCall, 0, len(inv.ToolCalls)), Status: inv.Status, FailureReason: inv.FailureReason,
			InputTokens: inv.InputTokens, OutputTokens: inv.OutputTokens, CostUsd: inv.CostUSD, LatencyMs: inv.LatencyMS}
		for _, tc := range inv.ToolCalls {
			c.ToolCalls = append(c.ToolCalls, ConversationCall{ID: tc.ID, Type: tc.Type, Metadata: splitMetadata(tc.Metadata),
				Timestamp: ISO(tc.CreatedAt), Success: tc.Success})
		}
		out.Conversations = append(out.Conversations, c)
	}
	return out, nil
}

// splitMetadata reads the decisions and results arrays of a stored tool
// call document (the reference's createPosition shape, or updates for an
// exit plan update); anything else yields empty arrays.
func splitMetadata(raw string) CallMetadata {
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
