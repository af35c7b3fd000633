package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/autonome-go/autonome/shared/arena"
)

// Invocation is one finished "Invocations" row with its tool calls.
type Invocation struct {
	ID            string
	ModelID       string
	Response      string
	Payload       json.RawMessage // responsePayload; nil when absent
	Status        string          // success or failed
	FailureReason string          // one of arena.FailureReasons, "" when none
	LatencyMS     int64
	InputTokens   int64
	OutputTokens  int64
	CostUSD       arena.Fixed
	CreatedAt     time.Time
	ToolCalls     []ToolCall
}

// ToolCall is one "ToolCalls" row. Metadata is the stored text as is.
type ToolCall struct {
	ID        string
	Type      string
	Metadata  string
	Success   bool
	CreatedAt time.Time
}

// InvocationFilter selects invocations.
type InvocationFilter struct {
	ModelIDs  []string // nil: every model
	Limit     int      // invocations
	ToolLimit int      // tool calls per invocation, the first ones
	// FailedOnly keeps invocations that failed or had a failed tool call.
	FailedOnly bool
}

// Invocations returns the newest finished invocations matching f, newest
// first, each with its first f.ToolLimit tool calls in creation order.
func (r *Reader) Invocations(ctx context.Context, f InvocationFilter) ([]Invocation, error) {
	rows, err := r.pool.Query(ctx, `
		SELECT i."id", i."modelId", i."response", i."responsePayload", i."status", coalesce(i."failureReason", ''),
		       i."latencyMs", i."inputTokens", i."outputTokens", i."costUsd"::text, i."createdAt"
		FROM "Invocations" i
		WHERE i."status" <> 'running' AND ($1::text[] IS NULL OR i."modelId" = ANY($1))
		  AND (NOT $3 OR i."status" = 'failed'
		       OR EXISTS (SELECT 1 FROM "ToolCalls" tc WHERE tc."invocationId" = i."id" AND NOT tc."success"))
		ORDER BY i."createdAt" DESC, i."id" DESC
		LIMIT $2`, f.ModelIDs, f.Limit, f.FailedOnly)
	if err != nil {
		return nil, fmt.Errorf("query invocations: %w", err)
	}
	var d decimals
	invs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Invocation, error) {
		var inv Invocation
		var payload []byte
		var cost string
		err := row.Scan(&inv.ID, &inv.ModelID, &inv.Response, &payload, &inv.Status, &inv.FailureReason,
			&inv.LatencyMS, &inv.InputTokens, &inv.OutputTokens, &cost, &inv.CreatedAt)
		if payload != nil {
			inv.Payload = json.RawMessage(payload)
		}
		inv.CostUSD = d.fixed(cost)
		return inv, err
	})
	if err == nil {
		err = d.err
	}
	if err != nil {
		return nil, fmt.Errorf("read invocations: %w", err)
	}
	if len(invs) == 0 || f.ToolLimit <= 0 {
		return invs, nil
	}
	return invs, r.attachToolCalls(ctx, invs, f.ToolLimit)
}

func (r *Reader) attachToolCalls(ctx context.Context, invs []Invocation, limit int) error {
	ids := make([]string, len(invs))
	at := make(map[string]int, len(invs))
	for i, inv := range invs {
		ids[i] = inv.ID
		at[inv.ID] = i
	}
	rows, err := r.pool.Query(ctx, `
		SELECT t."invocationId", t."id", t."toolCallType"::text, t."metadata", t."success", t."createdAt"
		FROM unnest($1::text[]) AS i(id)
		JOIN LATERAL (SELECT * FROM "ToolCalls" WHERE "invocationId" = i.id ORDER BY "createdAt", "id" LIMIT $2) t ON true`,
		ids, limit)
	if err != nil {
		return fmt.Errorf("query tool calls: %w", err)
	}
	var invID string
	var tc ToolCall
	_, err = pgx.ForEachRow(rows, []any{&invID, &tc.ID, &tc.Type, &tc.Metadata, &tc.Success, &tc.CreatedAt}, func() error {
		i := at[invID]
		invs[i].ToolCalls = append(invs[i].ToolCalls, tc)
		return nil
	})
	if err != nil {
		return fmt.Errorf("read tool calls: %w", err)
	}
	return nil
}
