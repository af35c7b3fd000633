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
	_, err = pgx.ForEachRow(rows, []any{&id, &c}, func() error { out[id] = arena.Cents(c); return nil })
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
		ORDER BY "modelId", "bucketStart"`, ids, binStart(from, arena.Bucket5m))
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

// RecentDecisions returns the createPosition tool calls of model made since
// `since`, newest first: its latest `limit` calls (the decision index the
// next prompt shows) and, however old within the window, the latest `limit`
// that recorded a cooldown (what the next decisions must respect). One
// statement; the first part walks the model's invocations newest first,
// the second reads the partial index of cooldown calls.
func (s *Agents) RecentDecisions(ctx context.Context, model string, since time.Time, limit int) ([]arena.DecisionCall, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT "metadata", "createdAt" FROM (
			(SELECT tc."id", tc."metadata", tc."createdAt"
			 FROM "Invocations" i JOIN "ToolCalls" tc ON tc."invocationId" = i."id"
			 WHERE i."modelId" = $1 AND i."createdAt" >= $2 AND tc."toolCallType" = 'CREATE_POSITION'
			 ORDER BY i."createdAt" DESC, tc."createdAt" DESC, tc."id" DESC LIMIT $3)
			UNION
			(SELECT tc."id", tc."metadata", tc."createdAt"
			 FROM "ToolCalls" tc JOIN "Invocations" i ON i."id" = tc."invocationId"
			 WHERE tc."toolCallType" = 'CREATE_POSITION' AND tc."metadata" LIKE '%"cooldownUntil"%'
			   AND tc."createdAt" >= $2 AND i."modelId" = $1
			 ORDER BY tc."createdAt" DESC, tc."id" DESC LIMIT $3)
		) t ORDER BY "createdAt" DESC, "id" DESC`, model, since, limit)
	if err != nil {
		return nil, fmt.Errorf("query recent decisions: %w", err)
	}
	var out []arena.DecisionCall
	var c arena.DecisionCall
	_, err = pgx.ForEachRow(rows, []any{&c.Metadata, &c.At}, func() error { out = append(out, c); return nil })
	if err != nil {
		return nil, fmt.Errorf("read recent decisions: %w", err)
	}
	return out, nil
}
