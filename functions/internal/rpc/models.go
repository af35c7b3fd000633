package rpc

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
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
	// RunStatus is "no_key" for a seat the worker cannot run (RunHint says
	// how to enable it); omitted for one that runs.
	RunStatus string `json:"runStatus,omitempty"`
	RunHint   string `json:"runHint,omitempty"`
	// InitialCapital is the account's starting capital (an addition to the
	// reference's {id, name}; 10 000 for an account without a ledger yet).
	InitialCapital arena.Fixed `json:"initialCapital"`
}

func (a *api) getModels(ctx context.Context, in ModelsInput) (ModelsOutput, error) {
	s, err := a.scope(ctx, in.Variant)
	if err != nil {
		return ModelsOutput{}, err
	}
	capital, err := a.capitals(ctx, s.ids)
	if err != nil {
		return ModelsOutput{}, err
	}
	out := ModelsOutput{Models: make([]ModelItem, 0, len(s.models))}
	for _, m := range s.models {
		out.Models = append(out.Models, ModelItem{ID: m.ID, Name: m.Name, Variant: views.Variant(m),
			OpenRouterModelName: m.ProviderModel, Provider: m.Provider, Kind: m.Kind, Active: m.Active, RunStatus: runStatus(m), RunHint: m.RunHint,
			InitialCapital: capital[m.ID]})
	}
	return out, nil
}

// runStatus is m's run status when it cannot run.
func runStatus(m arena.Model) string {
	if m.RunStatus == arena.RunActive {
		return ""
	}
	return m.RunStatus
}

// InvocationsInput is models.getInvocations' input. The reference takes
// none and returns the latest 100 in full; ours is paged (newest first, 25
// by default, at most 100 a page, continued with the previous page's
// nextCursor) and bounded.
type InvocationsInput struct {
	Variant string `json:"variant,omitempty"`
	Limit   *int   `json:"limit,omitempty"` // 1..100, default 25
	Cursor  string `json:"cursor,omitempty"`

	before *arena.InvocationCursor
}

// Validate checks the bounds and the cursor.
func (in *InvocationsInput) Validate() error {
	var bad *Issue
	if in.Cursor != "" {
		c, err := parseCursor(in.Cursor)
		if err != nil {
			bad = &Issue{Path: []any{"cursor"}, Message: "invalid cursor: pass a nextCursor this procedure returned"}
		}
		in.before = c
	}
	return issues(checkVariant(in.Variant, true), checkInt("limit", in.Limit, 1, maxInvocations), bad)
}

// InvocationsOutput is models.getInvocations' output. NextCursor is set
// when older conversations remain (pass it as cursor to read them).
type InvocationsOutput struct {
	Conversations []Conversation `json:"conversations"`
	NextCursor    *string        `json:"nextCursor"`
}

// Conversation and its parts are shared with the worker's conversations channel.
type (
	Conversation     = views.Conversation
	ConversationCall = views.ConversationCall
	CallMetadata     = views.CallMetadata
)

// Bounds on what the API returns of model output, whatever a model sent:
// each response and each tool call's metadata are cut to modelTextLimit
// bytes, a responsePayload larger than modelPayloadLimit is left out (each
// marked, with its stored size), a page holds at most maxToolCalls tool
// calls per conversation, and a page ends early once about pageBudget
// bytes of model output are in it (nextCursor continues from there).
const (
	maxToolCalls         = 50
	defaultInvocations   = 25
	maxInvocations       = 100
	modelTextLimit       = 16 << 10
	modelPayloadLimit    = 64 << 10
	pageBudget           = 2 << 20
	conversationOverhead = 1 << 10
)

func (a *api) getInvocations(ctx context.Context, in InvocationsInput) (InvocationsOutput, error) {
	s, err := a.scope(ctx, in.Variant)
	if err != nil {
		return InvocationsOutput{}, err
	}
	limit := defaultInvocations
	if in.Limit != nil {
		limit = *in.Limit
	}
	invs, err := a.DB.Invocations(ctx, arena.InvocationFilter{ModelIDs: s.ids, Limit: limit + 1, ToolLimit: maxToolCalls,
		Before: in.before, TextLimit: modelTextLimit, PayloadLimit: modelPayloadLimit})
	if err != nil {
		return InvocationsOutput{}, dbErr(err, "invocations")
	}
	out := InvocationsOutput{Conversations: make([]Conversation, 0, min(len(invs), limit))}
	size := 0
	for i := range invs {
		if i == limit || (i > 0 && size >= pageBudget) {
			next := formatCursor(&invs[i-1])
			out.NextCursor = &next
			break
		}
		size += modelOutputSize(&invs[i])
		out.Conversations = append(out.Conversations, views.ConversationFromRow(&invs[i], s.model(invs[i].ModelID), invs[i].Payload))
	}
	return out, nil
}

// modelOutputSize estimates the bytes a conversation adds to a page (tool
// call metadata appears twice: raw, and split into decisions and results).
func modelOutputSize(inv *arena.InvocationRecord) int {
	n := conversationOverhead + len(inv.Response) + len(inv.Payload)
	for _, tc := range inv.ToolCalls {
		n += 2*len(tc.Metadata) + 200
	}
	return n
}

// A cursor is the last conversation's time and id, opaque to clients.
func formatCursor(inv *arena.InvocationRecord) string {
	return base64.RawURLEncoding.EncodeToString([]byte(inv.CreatedAt.UTC().Format(time.RFC3339Nano) + " " + inv.ID))
}

func parseCursor(s string) (*arena.InvocationCursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, err
	}
	at, id, ok := strings.Cut(string(b), " ")
	if !ok || id == "" {
		return nil, errors.New("cursor without an id")
	}
	t, err := time.Parse(time.RFC3339Nano, at)
	if err != nil {
		return nil, err
	}
	return &arena.InvocationCursor{CreatedAt: t, ID: id}, nil
}
