package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/autonome-go/autonome/shared/arena"
)

// StartCycle records the cycle of slot with its models, unless it exists,
// and returns the models it holds: those given now, or those of the first
// call when the cycle task is retried.
func (s *Agents) StartCycle(ctx context.Context, slot time.Time, modelIDs []string) ([]string, error) {
	var out []string
	err := Tx(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO "TradeCycles" ("slot", "models") VALUES ($1, $2) ON CONFLICT ("slot") DO NOTHING`,
			slot, len(modelIDs))
		if err != nil {
			return fmt.Errorf("insert cycle: %w", err)
		}
		if tag.RowsAffected() == 1 && len(modelIDs) > 0 {
			if _, err := tx.Exec(ctx, `INSERT INTO "TradeCycleModels" ("slot", "modelId") SELECT $1, unnest($2::text[])`,
				slot, modelIDs); err != nil {
				return fmt.Errorf("insert cycle models: %w", err)
			}
		}
		rows, err := tx.Query(ctx, `SELECT "modelId" FROM "TradeCycleModels" WHERE "slot" = $1 ORDER BY "modelId"`, slot)
		if err != nil {
			return fmt.Errorf("query cycle models: %w", err)
		}
		out, err = pgx.CollectRows(rows, pgx.RowTo[string])
		return err
	})
	return out, err
}

// FinishCycleModel records the model's outcome in the cycle of slot (the
// first outcome recorded wins) and, when that was the cycle's last pending
// model, closes the cycle and returns it; otherwise it returns nil.
//
// The outcome is committed before the close is attempted, so whichever
// decision commits last sees no pending model and closes the cycle; when
// two see that at once, the row lock of the UPDATE lets one close it and
// the other finds it closed. Exactly one caller gets the result.
func (s *Agents) FinishCycleModel(ctx context.Context, slot time.Time, modelID, outcome, detail string) (*arena.CycleResult, error) {
	_, err := s.pool.Exec(ctx, `UPDATE "TradeCycleModels" SET "outcome" = $3, "detail" = NULLIF($4, ''), "finishedAt" = now()
		WHERE "slot" = $1 AND "modelId" = $2 AND "outcome" IS NULL`, slot, modelID, outcome, detail)
	if err != nil {
		return nil, fmt.Errorf("record cycle outcome: %w", err)
	}
	return s.CloseCycle(ctx, slot)
}

// CloseCycle closes the cycle of slot if it is open and no model is
// pending (a cycle without models closes at once) and returns it, or nil.
func (s *Agents) CloseCycle(ctx context.Context, slot time.Time) (*arena.CycleResult, error) {
	r := arena.CycleResult{Slot: slot}
	err := s.pool.QueryRow(ctx, `
		WITH c AS (
			SELECT count(*) FILTER (WHERE "outcome" = 'success')::int AS ok,
			       count(*) FILTER (WHERE "outcome" = 'failed')::int AS failed,
			       count(*) FILTER (WHERE "outcome" = 'skipped')::int AS skipped,
			       count(*) FILTER (WHERE "outcome" IS NULL)::int AS pending,
			       coalesce(array_agg("modelId" ORDER BY "modelId"), '{}') AS ids
			FROM "TradeCycleModels" WHERE "slot" = $1
		)
		UPDATE "TradeCycles" t SET "finishedAt" = now(), "succeeded" = c.ok, "failed" = c.failed, "skipped" = c.skipped
		FROM c WHERE t."slot" = $1 AND t."finishedAt" IS NULL AND c.pending = 0
		RETURNING t."startedAt", t."finishedAt", t."models", t."succeeded", t."failed", t."skipped", c.ids`, slot).
		Scan(&r.StartedAt, &r.FinishedAt, &r.Models, &r.Succeeded, &r.Failed, &r.Skipped, &r.ModelIDs)
	if IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("close cycle: %w", err)
	}
	return &r, nil
}

// ExpireCycles closes every open cycle whose slot is before `before`,
// recording its pending models as failed with detail, and returns them:
// their decisions can no longer finish (the worker that ran them stopped,
// or their tasks were lost).
func (s *Agents) ExpireCycles(ctx context.Context, before time.Time, detail string) ([]arena.CycleResult, error) {
	rows, err := s.pool.Query(ctx, `SELECT "slot" FROM "TradeCycles" WHERE "finishedAt" IS NULL AND "slot" < $1 ORDER BY "slot"`, before)
	if err != nil {
		return nil, fmt.Errorf("query open cycles: %w", err)
	}
	slots, err := pgx.CollectRows(rows, pgx.RowTo[time.Time])
	if err != nil {
		return nil, fmt.Errorf("read open cycles: %w", err)
	}
	var out []arena.CycleResult
	for _, slot := range slots {
		if _, err := s.pool.Exec(ctx, `UPDATE "TradeCycleModels" SET "outcome" = 'failed', "detail" = $2, "finishedAt" = now()
			WHERE "slot" = $1 AND "outcome" IS NULL`, slot, detail); err != nil {
			return out, fmt.Errorf("expire cycle models: %w", err)
		}
		res, err := s.CloseCycle(ctx, slot)
		if err != nil {
			return out, err
		}
		if res != nil {
			out = append(out, *res)
		}
	}
	return out, nil
}

// DeleteCyclesBefore removes finished cycles older than before.
func (s *Agents) DeleteCyclesBefore(ctx context.Context, before time.Time) (int64, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM "TradeCycles" WHERE "slot" < $1 AND "finishedAt" IS NOT NULL`, before)
	if err != nil {
		return 0, fmt.Errorf("delete old cycles: %w", err)
	}
	return tag.RowsAffected(), nil
}
