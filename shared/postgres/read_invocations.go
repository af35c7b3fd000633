package postgres

import (
	"context"
	"encoding/json"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/autonome-go/autonome/shared/arena"
)

// Invocations returns the newest finished invocations matching f, newest
// first, each with its first f.ToolLimit tool calls in creation order:
// Response and each call's Metadata at most f.TextLimit bytes, a payload
// over f.PayloadLimit left out.
func (r *Reader) Invocations(ctx context.Context, f arena.InvocationFilter) ([]arena.InvocationRecord, error) {
	var beforeAt *time.Time
	var beforeID string
	if f.Before != nil {
		beforeAt, beforeID = &f.Before.CreatedAt, f.Before.ID
	}
	rows, err := r.pool.Query(ctx, `
		SELECT i."id", i."modelId",
		       CASE WHEN $6 > 0 THEN left(i."response", $6) ELSE i."response" END, octet_length(i."response"),
		       CASE WHEN $7 > 0 AND octet_length(i."responsePayload"::text) > $7 THEN NULL ELSE i."responsePayload" END,
		       coalesce(octet_length(i."responsePayload"::text), 0),
		       i."status", coalesce(i."failureReason", ''),
		       i."latencyMs", i."inputTokens", i."outputTokens", i."costUsd", i."createdAt"
		FROM "Invocations" i
		WHERE i."status" <> 'running' AND ($1::text[] IS NULL OR i."modelId" = ANY($1))
		  AND (NOT $3 OR i."status" = 'failed'
		       OR EXISTS (SELECT 1 FROM "ToolCalls" tc WHERE tc."invocationId" = i."id" AND NOT tc."success"))
		  AND ($4::timestamptz IS NULL OR (i."createdAt", i."id") < ($4, $5::text))
		ORDER BY i."createdAt" DESC, i."id" DESC
		LIMIT $2`, numericText, f.ModelIDs, f.Limit, f.FailedOnly, beforeAt, beforeID, f.TextLimit, f.PayloadLimit)
	if err != nil {
		return nil, readErr(err, "query invocations")
	}
	invs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (arena.InvocationRecord, error) {
		var inv arena.InvocationRecord
		var payload []byte
		err := row.Scan(&inv.ID, &inv.ModelID, &inv.Response, &inv.ResponseBytes, &payload, &inv.PayloadBytes, &inv.Status,
			&inv.FailureReason, &inv.LatencyMS, &inv.InputTokens, &inv.OutputTokens, &inv.CostUSD, &inv.CreatedAt)
		if payload != nil {
			inv.Payload = json.RawMessage(payload)
		}
		inv.Response = cutText(inv.Response, f.TextLimit)
		return inv, err
	})
	if err != nil {
		return nil, readErr(err, "read invocations")
	}
	if len(invs) == 0 || f.ToolLimit <= 0 {
		return invs, nil
	}
	return invs, r.attachToolCalls(ctx, invs, f.ToolLimit, f.TextLimit)
}

func (r *Reader) attachToolCalls(ctx context.Context, invs []arena.InvocationRecord, limit, textLimit int) error {
	ids := make([]string, len(invs))
	at := make(map[string]int, len(invs))
	for i, inv := range invs {
		ids[i] = inv.ID
		at[inv.ID] = i
	}
	rows, err := r.pool.Query(ctx, `
		SELECT t."invocationId", t."id", t."toolCallType"::text,
		       CASE WHEN $3 > 0 THEN left(t."metadata", $3) ELSE t."metadata" END, octet_length(t."metadata"),
		       t."success", t."createdAt"
		FROM unnest($1::text[]) AS i(id)
		JOIN LATERAL (SELECT * FROM "ToolCalls" WHERE "invocationId" = i.id ORDER BY "createdAt", "id" LIMIT $2) t ON true`,
		ids, limit, textLimit)
	if err != nil {
		return readErr(err, "query tool calls")
	}
	var invID string
	var tc arena.ToolCallRecord
	_, err = pgx.ForEachRow(rows, []any{&invID, &tc.ID, &tc.Type, &tc.Metadata, &tc.MetadataBytes, &tc.Success, &tc.CreatedAt}, func() error {
		i := at[invID]
		tc.Metadata = cutText(tc.Metadata, textLimit)
		invs[i].ToolCalls = append(invs[i].ToolCalls, tc)
		return nil
	})
	if err != nil {
		return readErr(err, "read tool calls")
	}
	return nil
}

// cutText returns s cut to at most limit bytes on a character boundary
// (s itself when limit <= 0 or it fits).
func cutText(s string, limit int) string {
	if limit <= 0 || len(s) <= limit {
		return s
	}
	for limit > 0 && !utf8.RuneStart(s[limit]) {
		limit--
	}
	return s[:limit]
}
