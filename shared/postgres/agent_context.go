package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/autonome-go/autonome/shared/arena"
)

// FirstEquitySince returns, per model of ids, its first equity snapshot at
// or after from (models without one are absent): the start of a
// leaderboard window. One index probe per model.
func (s *Agents) FirstEquitySince(ctx context.Context, ids []string, from time.Time) (map[string]arena.Fixed, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT m.id, f.v FROM unnest($1::text[]) AS m(id)
		JOIN LATERAL (SELECT ("netPortfolio" * 100)::int8 AS v FROM "PortfolioSize"
		              WHERE "modelId" = m.id AND "createdAt" >= $2 ORDER BY "createdAt", "id" LIMIT 1) f ON true`, ids, from)
	if err != nil {
		return nil, fmt.Errorf("query window start equity: %w", err)
	}
	out := make(map[string]arena.Fixed, len(ids))
	var id string
	var c int64
	_, err = pgx.ForEachRow(rows, []any{&id, &c}, func() error { out[id] = Cents(c); return nil })
	if err != nil {
		return nil, fmt.Errorf("read window start equity: %w", err)
	}
	return out, nil
}

// EquityCloses returns, per model of ids, the last equity of every
// 5-minute bucket from `from` on, oldest first, in cents: the return series
// a Sharpe ratio is computed from. It reads the maintained buckets, so its
// cost is bounded by the window, not by the snapshots in it.
func (s *Agents) EquityCloses(ctx context.Context, ids []string, from time.Time) (map[string][]int64, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT "modelId", "lastCents" FROM "PortfolioBuckets"
		WHERE "modelId" = ANY($1) AND "width" = 300 AND "bucketStart" >= $2
		ORDER BY "modelId", "bucketStart"`, ids, binStart(from, Width5m))
	if err != nil {
		return nil, fmt.Errorf("query equity closes: %w", err)
	}
	out := make(map[string][]int64, len(ids))
	var id string
	var c int64
	_, err = pgx.ForEachRow(rows, []any{&id, &c}, func() error { out[id] = append(out[id], c); return nil })
	if err != nil {
		return nil, fmt.Errorf("read equity closes: %w", err)
	}
	return out, nil
}

// OpenDecisions returns, per model of ids, the metadata of its latest
// CREATE_POSITION tool calls that recorded a cooldown (at most perModel,
// newest first), made since `since`: what the next decisions must respect.
// A partial index holds exactly those calls.
func (s *Agents) OpenDecisions(ctx context.Context, ids []string, since time.Time, perModel int) (map[string][]string, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT "modelId", "metadata" FROM (
			SELECT i."modelId", tc."metadata",
			       row_number() OVER (PARTITION BY i."modelId" ORDER BY tc."createdAt" DESC, tc."id" DESC) AS n
			FROM "ToolCalls" tc JOIN "Invocations" i ON i."id" = tc."invocationId"
			WHERE tc."toolCallType" = 'CREATE_POSITION' AND tc."metadata" LIKE '%"cooldownUntil"%'
			  AND tc."createdAt" >= $2 AND i."modelId" = ANY($1)
		) t WHERE n <= $3
		ORDER BY "modelId", n`, ids, since, perModel)
	if err != nil {
		return nil, fmt.Errorf("query recent open decisions: %w", err)
	}
	out := make(map[string][]string, len(ids))
	var id, meta string
	_, err = pgx.ForEachRow(rows, []any{&id, &meta}, func() error { out[id] = append(out[id], meta); return nil })
	if err != nil {
		return nil, fmt.Errorf("read recent open decisions: %w", err)
	}
	return out, nil
}
