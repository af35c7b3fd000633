package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/autonome-go/autonome/shared/arena"
)

// Trade is a CLOSED "Orders" row: a position from open to close.
// RealizedPnL is gross; the net result is RealizedPnL − Fees + Funding.
type Trade struct {
	ID           string
	ModelID      string
	Symbol       arena.Symbol
	Side         arena.Side
	Quantity     arena.Fixed
	EntryPrice   arena.Fixed
	ExitPrice    arena.Fixed
	Leverage     arena.Fixed // 0 when not recorded
	RealizedPnL  arena.Fixed
	Fees         arena.Fixed
	Funding      arena.Fixed
	CloseTrigger string // "" for a close the agent asked for
	ExitPlan     ExitPlan
	OpenedAt     time.Time
	ClosedAt     time.Time
}

// NetPnL is the trade's result after fees and funding.
func (t *Trade) NetPnL() arena.Fixed { return t.RealizedPnL - t.Fees + t.Funding }

// ExitPlan is the part of an "Orders".exitPlan document the API shows.
// Stored plans follow arena.ExitPlan; Confidence is a fraction in [0, 1].
type ExitPlan struct {
	Stop         arena.Fixed
	Target       arena.Fixed
	Invalidation string
	Confidence   *float64
}

// Trades returns the CLOSED rows of ids (all models when nil), newest close
// first, at most limit. Rows closed by an account reset are not trades.
func (r *Reader) Trades(ctx context.Context, ids []string, limit int) ([]Trade, error) {
	rows, err := r.pool.Query(ctx, `
		SELECT "id", "modelId", "symbol", "side"::text, "quantity", "entryPrice",
		       coalesce("exitPrice", 0), coalesce("leverage", 0), coalesce("realizedPnl", 0),
		       "fees", "fundingPnl", coalesce("closeTrigger", ''), "exitPlan", "openedAt", "closedAt"
		FROM "Orders"
		WHERE "status" = 'CLOSED' AND "closedAt" IS NOT NULL AND "closeTrigger" IS DISTINCT FROM 'RESET'
		  AND ($1::text[] IS NULL OR "modelId" = ANY($1))
		ORDER BY "closedAt" DESC, "id" DESC
		LIMIT $2`, ids, limit)
	if err != nil {
		return nil, fmt.Errorf("query trades: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Trade, error) {
		var t Trade
		var plan []byte
		err := row.Scan(&t.ID, &t.ModelID, &t.Symbol, &t.Side, &t.Quantity, &t.EntryPrice, &t.ExitPrice, &t.Leverage,
			&t.RealizedPnL, &t.Fees, &t.Funding, &t.CloseTrigger, &plan, &t.OpenedAt, &t.ClosedAt)
		t.ExitPlan = parseExitPlan(plan)
		return t, err
	})
	if err != nil {
		return nil, fmt.Errorf("read trades: %w", err)
	}
	return out, nil
}

// Position is an OPEN "Orders" row. Margin is the initial margin held (0
// when the writer did not record it; readers then derive it from the
// leverage). Unrealized PnL is never stored: it depends on the live mark.
type Position struct {
	ID         string
	ModelID    string
	Symbol     arena.Symbol
	Side       arena.Side
	Quantity   arena.Fixed
	EntryPrice arena.Fixed
	Leverage   arena.Fixed
	Margin     arena.Fixed
	Fees       arena.Fixed
	Funding    arena.Fixed
	ExitPlan   ExitPlan
	OpenedAt   time.Time
	UpdatedAt  time.Time
}

// OpenPositions returns the OPEN rows of ids (all models when nil), by
// model then symbol.
func (r *Reader) OpenPositions(ctx context.Context, ids []string) ([]Position, error) {
	rows, err := r.pool.Query(ctx, `
		SELECT "id", "modelId", "symbol", "side"::text, "quantity", "entryPrice",
		       coalesce("leverage", 0), coalesce("margin", 0), "fees", "fundingPnl",
		       "exitPlan", "openedAt", "updatedAt"
		FROM "Orders"
		WHERE "status" = 'OPEN' AND ($1::text[] IS NULL OR "modelId" = ANY($1))
		ORDER BY "modelId", "symbol"`, ids)
	if err != nil {
		return nil, fmt.Errorf("query positions: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Position, error) {
		var p Position
		var plan []byte
		err := row.Scan(&p.ID, &p.ModelID, &p.Symbol, &p.Side, &p.Quantity, &p.EntryPrice, &p.Leverage, &p.Margin,
			&p.Fees, &p.Funding, &plan, &p.OpenedAt, &p.UpdatedAt)
		p.ExitPlan = parseExitPlan(plan)
		return p, err
	})
	if err != nil {
		return nil, fmt.Errorf("read positions: %w", err)
	}
	return out, nil
}

// parseExitPlan reads the fields the API shows from a stored plan. A plan
// it cannot read is shown as no plan: it is display data, and one bad
// document must not fail a whole listing.
func parseExitPlan(b []byte) ExitPlan {
	if len(b) == 0 {
		return ExitPlan{}
	}
	var raw struct {
		Stop         *arena.Fixed `json:"stop"`
		Target       *arena.Fixed `json:"target"`
		Invalidation *string      `json:"invalidation"`
		Confidence   *float64     `json:"confidence"`
	}
	if json.Unmarshal(b, &raw) != nil {
		return ExitPlan{}
	}
	var p ExitPlan
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
		p.Confidence = c
	}
	return p
}
