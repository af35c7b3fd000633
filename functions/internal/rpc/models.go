package rpc

import (
	"context"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/postgres"
	"github.com/autonome-go/autonome/shared/views"
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

// Conversation and its parts are shared with the worker's conversations channel.
type (
	Conversation     = views.Conversation
	ConversationCall = views.ConversationCall
	CallMetadata     = views.CallMetadata
)

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
		c := views.ConversationFromRow(&inv, m, inv.Payload)
		out.Conversations = append(out.Conversations, c)
	}
	return out, nil
}
