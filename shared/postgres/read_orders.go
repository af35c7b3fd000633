package postgres

import (
	"context"
	"encoding/json"
	"math"

	"github.com/jackc/pgx/v5"

	"github.com/autonome-go/autonome/shared/arena"
)

// Trades returns the CLOSED rows of ids (all models when nil), newest close
// first, at most limit, as closed positions: ClosedQuantity is what was
// traded, Leverage 0 when not recorded, CloseTrigger empty for a close the
// agent asked for. Rows closed by an account reset are not trades.
func (r *Reader) Trades(ctx context.Context, ids []string, limit int) ([]arena.Position, error) {
	rows, err := r.pool.Query(ctx, `
		SELECT "id", "modelId", "symbol", "side"::text, "quantity", "entryPrice",
		       coalesce("exitPrice", 0), coalesce("leverage", 0), coalesce("realizedPnl", 0),
		       "fees", "fundingPnl", coalesce("closeTrigger", ''), "exitPlan", "openedAt", "closedAt"
		FROM "Orders"
		WHERE "status" = 'CLOSED' AND "closedAt" IS NOT NULL AND "closeTrigger" IS DISTINCT FROM 'RESET'
		  AND ($1::text[] IS NULL OR "modelId" = ANY($1))
		ORDER BY "closedAt" DESC, "id" DESC
		LIMIT $2`, numericText, ids, limit)
	if err != nil {
		return nil, readErr(err, "query trades")
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (arena.Position, error) { return scanTrade(row) })
	if err != nil {
		return nil, readErr(err, "read trades")
	}
	return out, nil
}

// scanTrade reads a CLOSED "Orders" row into the closed position it
// records. The row's columns are id, modelId, symbol, side, quantity,
// entryPrice, exitPrice, leverage, realizedPnl, fees, fundingPnl,
// closeTrigger, exitPlan, openedAt and closedAt, then one column per extra
// destination.
func scanTrade(row pgx.CollectableRow, extra ...any) (arena.Position, error) {
	t := arena.Position{Status: arena.PositionClosed}
	var plan []byte
	dst := append([]any{&t.ID, &t.AccountID, &t.Symbol, &t.Side, &t.ClosedQuantity, &t.EntryPrice, &t.ExitPrice, &t.Leverage,
		&t.RealizedPnL, &t.Fees, &t.Funding, &t.CloseTrigger, &plan, &t.OpenedAt, &t.ClosedAt}, extra...)
	err := row.Scan(dst...)
	t.ExitPlan = parseExitPlan(plan)
	return t, err
}

// OpenPositions returns the OPEN rows of ids (all models when nil), by
// model then symbol. Margin is 0 when the writer did not record it (readers
// then derive it from the leverage); unrealized PnL is never stored: it
// depends on the live mark.
func (r *Reader) OpenPositions(ctx context.Context, ids []string) ([]arena.Position, error) {
	rows, err := r.pool.Query(ctx, `
		SELECT "id", "modelId", "symbol", "side"::text, "quantity", "entryPrice",
		       coalesce("leverage", 0), coalesce("margin", 0), "fees", "fundingPnl",
		       "exitPlan", "openedAt", "updatedAt"
		FROM "Orders"
		WHERE "status" = 'OPEN' AND ($1::text[] IS NULL OR "modelId" = ANY($1))
		ORDER BY "modelId", "symbol"`, numericText, ids)
	if err != nil {
		return nil, readErr(err, "query positions")
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (arena.Position, error) {
		p := arena.Position{Status: arena.PositionOpen}
		var plan []byte
		err := row.Scan(&p.ID, &p.AccountID, &p.Symbol, &p.Side, &p.Quantity, &p.EntryPrice, &p.Leverage, &p.Margin,
			&p.Fees, &p.Funding, &plan, &p.OpenedAt, &p.UpdatedAt)
		p.ExitPlan = parseExitPlan(plan)
		return p, err
	})
	if err != nil {
		return nil, readErr(err, "read positions")
	}
	return out, nil
}

// parseExitPlan reads the fields the API shows from a stored plan (stop,
// target, invalidation text, confidence); the exchange's own copy lives in
// the row's state. A plan it cannot read is shown as no plan, and a
// confidence outside [0, 1] as none: it is display data, and one bad
// document must not fail a whole listing.
func parseExitPlan(b []byte) arena.ExitPlan {
	if len(b) == 0 {
		return arena.ExitPlan{}
	}
	var raw struct {
		Stop         *arena.Fixed `json:"stop"`
		Target       *arena.Fixed `json:"target"`
		Invalidation *string      `json:"invalidation"`
		Confidence   *float64     `json:"confidence"`
	}
	if json.Unmarshal(b, &raw) != nil {
		return arena.ExitPlan{}
	}
	var p arena.ExitPlan
	if raw.Stop != nil {
		p.Stop = *raw.Stop
	}
	if raw.Target != nil {
		p.Target = *raw.Target
	}
	if raw.Invalidation != nil {
		p.Invalidation = *raw.Invalidation
	}
	if c := raw.Confidence; c != nil && !math.IsNaN(*c) && *c >= 0 && *c <= 1 {
		p.Confidence = *c
	}
	return p
}
