package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/autonome-go/autonome/shared/arena"
)

// closeMatchWindow is how far a closePosition tool call's time may be from
// the close it caused ("Orders" rows do not name the invocation).
const closeMatchWindow = "2 minutes"

// CompletedTrades returns modelID's CLOSED rows, newest close first, at most
// limit. Rows closed by an account reset are not trades.
func (r *Reader) CompletedTrades(ctx context.Context, modelID string, limit int) ([]arena.CompletedTrade, error) {
	rows, err := r.pool.Query(ctx, `
		SELECT o."id", o."modelId", o."symbol", o."side"::text, o."quantity", o."entryPrice",
		       coalesce(o."exitPrice", 0), coalesce(o."leverage", 0), coalesce(o."realizedPnl", 0),
		       o."fees", o."fundingPnl", coalesce(o."closeTrigger", ''), o."exitPlan", o."openedAt", o."closedAt",
		       coalesce(c."invocationId", '')
		FROM "Orders" o
		LEFT JOIN LATERAL (
			SELECT tc."invocationId"
			FROM "Invocations" i JOIN "ToolCalls" tc ON tc."invocationId" = i."id"
			WHERE i."modelId" = o."modelId" AND tc."toolCallType" = 'CLOSE_POSITION' AND tc."success"
			  AND o."closeTrigger" IS NULL
			  AND tc."createdAt" BETWEEN o."closedAt" - $3::interval AND o."closedAt" + $3::interval
			ORDER BY abs(extract(epoch FROM tc."createdAt" - o."closedAt")), tc."id"
			LIMIT 1) c ON true
		WHERE o."modelId" = $1 AND o."status" = 'CLOSED' AND o."closedAt" IS NOT NULL
		  AND o."closeTrigger" IS DISTINCT FROM 'RESET'
		ORDER BY o."closedAt" DESC, o."id" DESC
		LIMIT $2`, numericText, modelID, limit, closeMatchWindow)
	if err != nil {
		return nil, readErr(err, "query completed trades")
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (arena.CompletedTrade, error) {
		var t arena.CompletedTrade
		var err error
		t.Position, err = scanTrade(row, &t.InvocationID)
		return t, err
	})
	if err != nil {
		return nil, readErr(err, "read completed trades")
	}
	return out, nil
}
