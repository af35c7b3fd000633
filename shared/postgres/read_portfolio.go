package postgres

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/autonome-go/autonome/shared/arena"
)

// RunStart returns the time of the first equity snapshot; ok is false
// before there is one.
func (r *Reader) RunStart(ctx context.Context) (t time.Time, ok bool, err error) {
	var at *time.Time
	if err := r.pool.QueryRow(ctx, `SELECT min("createdAt") FROM "PortfolioSize"`).Scan(&at); err != nil {
		return time.Time{}, false, readErr(err, "query run start")
	}
	if at == nil {
		return time.Time{}, false, nil
	}
	return *at, true, nil
}

// SnapshotRange returns the first and last snapshot times of ids in
// [from, to); ok is false when there is none. It costs two index probes per
// model whatever the history's length.
func (r *Reader) SnapshotRange(ctx context.Context, ids []string, from, to time.Time) (first, last time.Time, ok bool, err error) {
	var f, l *time.Time
	err = r.pool.QueryRow(ctx, `
		SELECT min(f."createdAt"), max(l."createdAt")
		FROM unnest($1::text[]) AS m(id)
		LEFT JOIN LATERAL (SELECT "createdAt" FROM "PortfolioSize" WHERE "modelId" = m.id AND "createdAt" >= $2 AND "createdAt" < $3
		                   ORDER BY "createdAt" LIMIT 1) f ON true
		LEFT JOIN LATERAL (SELECT "createdAt" FROM "PortfolioSize" WHERE "modelId" = m.id AND "createdAt" >= $2 AND "createdAt" < $3
		                   ORDER BY "createdAt" DESC LIMIT 1) l ON true`, ids, from, to).Scan(&f, &l)
	if err != nil {
		return time.Time{}, time.Time{}, false, readErr(err, "query snapshot range")
	}
	if f == nil || l == nil {
		return time.Time{}, time.Time{}, false, nil
	}
	return *f, *l, true, nil
}

// LastPerBucket returns, for each model of ids and each bucket of width
// (one minute, or a width of "PortfolioBuckets") that has snapshots in
// [from, to), the last of them, ordered by model then bucket.
func (r *Reader) LastPerBucket(ctx context.Context, ids []string, width time.Duration, from, to time.Time) ([]arena.EquityPoint, error) {
	if width == time.Minute {
		return r.lastPerMinute(ctx, ids, from, to)
	}
	if !validWidth(width) {
		return nil, arena.Errorf(arena.CodeInternal, "no %s equity buckets", width)
	}
	// Whole buckets come from "PortfolioBuckets"; the bucket containing
	// `to` may hold snapshots at or after it, so it comes from the raw rows.
	tail := binStart(to, width)
	rows, err := r.pool.Query(ctx, `
		SELECT "modelId", "bucketStart", "lastId", "lastCents", "lastAt", "lastUpdatedAt"
		FROM "PortfolioBuckets"
		WHERE "modelId" = ANY($1) AND "width" = $2 AND "bucketStart" < $4 AND "lastAt" >= $3
		  AND "bucketStart" >= $5
		UNION ALL
		(SELECT DISTINCT ON ("modelId") "modelId", $4::timestamptz, "id", ("netPortfolio" * 100)::int8, "createdAt", "updatedAt"
		 FROM "PortfolioSize"
		 WHERE "modelId" = ANY($1) AND "createdAt" >= greatest($3::timestamptz, $4::timestamptz) AND "createdAt" < $6
		 ORDER BY "modelId", "createdAt" DESC, "id" DESC)`, ids, int(width/time.Second), from, tail, binStart(from, width), to)
	if err != nil {
		return nil, readErr(err, "query equity buckets")
	}
	points, err := collectPoints(rows)
	sortPoints(points)
	return points, err
}

// lastPerMinute keeps the last snapshot of each minute. Snapshots are
// about a minute apart, so nearly every row survives; the rows come in time
// order from the "createdAt" index and are grouped per model here, which
// spares the database a sort.
func (r *Reader) lastPerMinute(ctx context.Context, ids []string, from, to time.Time) ([]arena.EquityPoint, error) {
	rows, err := r.pool.Query(ctx, `
		SELECT "modelId", "createdAt", "id", ("netPortfolio" * 100)::int8, "createdAt", "updatedAt"
		FROM "PortfolioSize" WHERE "modelId" = ANY($1) AND "createdAt" >= $2 AND "createdAt" < $3
		ORDER BY "createdAt", "id"`, ids, from, to)
	if err != nil {
		return nil, readErr(err, "query equity minutes")
	}
	points, err := collectPoints(rows)
	if err != nil {
		return nil, err
	}
	byModel := map[string][]arena.EquityPoint{}
	for _, p := range points {
		p.BucketStart = binStart(p.At, time.Minute)
		ms := byModel[p.ModelID]
		if n := len(ms); n > 0 && ms[n-1].BucketStart.Equal(p.BucketStart) {
			ms[n-1] = p // a later snapshot of the same minute
			continue
		}
		byModel[p.ModelID] = append(ms, p)
	}
	models := make([]string, 0, len(byModel))
	for m := range byModel {
		models = append(models, m)
	}
	slices.Sort(models)
	out := points[:0]
	for _, m := range models {
		out = append(out, byModel[m]...)
	}
	return out, nil
}

// sortPoints orders points by model, bucket, then time and id.
func sortPoints(ps []arena.EquityPoint) {
	slices.SortFunc(ps, func(a, b arena.EquityPoint) int {
		return cmp.Or(strings.Compare(a.ModelID, b.ModelID), a.BucketStart.Compare(b.BucketStart), a.At.Compare(b.At),
			strings.Compare(a.ID, b.ID))
	})
}

func collectPoints(rows pgx.Rows) ([]arena.EquityPoint, error) {
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (arena.EquityPoint, error) {
		var p arena.EquityPoint
		err := row.Scan(&p.ModelID, &p.BucketStart, &p.ID, &p.Cents, &p.At, &p.UpdatedAt)
		return p, err
	})
	if err != nil {
		return nil, readErr(err, "read equity points")
	}
	return out, nil
}

// EquitySpans returns the equity of ids from `from` on, as a sequence per
// model (ordered by model, then time) that covers every snapshot exactly
// once: single snapshots up to the first whole bucket of widths[0], those
// buckets up to the first whole bucket of widths[1], and so on; buckets of
// the last width after. Each width must be a width of "PortfolioBuckets"
// and a multiple of the one before, so a read over a month touches about a
// hundred rows per model however many snapshots it covers.
func (r *Reader) EquitySpans(ctx context.Context, ids []string, from time.Time, widths ...time.Duration) ([]arena.EquitySpan, error) {
	if len(widths) == 0 {
		return nil, arena.Errorf(arena.CodeInternal, "equity spans: no width")
	}
	// $1 ids, $2 from, $3.. the lower bound of each width's buckets (the
	// first also ends the single snapshots), then the widths in seconds.
	n := len(widths)
	args := make([]any, 2+2*n)
	args[0], args[1] = ids, from
	bound := from
	for i, w := range widths {
		if !validWidth(w) || (i > 0 && w%widths[i-1] != 0) {
			return nil, arena.Errorf(arena.CodeInternal, "equity spans: widths %v", widths)
		}
		bound = binCeil(bound, w)
		args[2+i], args[2+n+i] = bound, int(w/time.Second)
	}
	var q strings.Builder
	q.WriteString(`SELECT "modelId", 0, "createdAt", c, c, c, c, 0::float8, "createdAt", "samples", "id"
		FROM (SELECT "modelId", "createdAt", "id", "samples", ("netPortfolio" * 100)::int8 AS c FROM "PortfolioSize"
		      WHERE "modelId" = ANY($1) AND "createdAt" >= $2 AND "createdAt" < $3) raw`)
	for i := range widths {
		fmt.Fprintf(&q, `
		UNION ALL
		SELECT "modelId", "width", "bucketStart", "firstCents", "lastCents", "maxCents", "minCents", "maxDrawdown",
		       "lastAt", "points", ''
		FROM "PortfolioBuckets" WHERE "modelId" = ANY($1) AND "width" = $%d AND "bucketStart" >= $%d`, 3+n+i, 3+i)
		if i+1 < n {
			fmt.Fprintf(&q, ` AND "bucketStart" < $%d`, 4+i)
		}
	}
	rows, err := r.pool.Query(ctx, q.String(), args...)
	if err != nil {
		return nil, readErr(err, "query equity spans")
	}
	// id is a single snapshot's, to order snapshots taken at the same time.
	type span struct {
		arena.EquitySpan
		id string
	}
	spans, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (span, error) {
		var s span
		var width int
		err := row.Scan(&s.ModelID, &width, &s.Start, &s.First, &s.Last, &s.High, &s.Low, &s.Drawdown, &s.LastAt, &s.Points, &s.id)
		s.Width = time.Duration(width) * time.Second
		return s, err
	})
	if err != nil {
		return nil, readErr(err, "read equity spans")
	}
	// In time order per model; a raw snapshot and a bucket never start at
	// the same time, and snapshots at the same time are ordered by id.
	slices.SortFunc(spans, func(a, b span) int {
		return cmp.Or(strings.Compare(a.ModelID, b.ModelID), a.Start.Compare(b.Start), strings.Compare(a.id, b.id))
	})
	out := make([]arena.EquitySpan, len(spans))
	for i, s := range spans {
		out[i] = s.EquitySpan
	}
	return out, nil
}

// LatestEquity returns each model's latest snapshot value in cents (models
// without snapshots are absent).
func (r *Reader) LatestEquity(ctx context.Context, ids []string) (map[string]int64, error) {
	rows, err := r.pool.Query(ctx, `
		SELECT m.id, l.c FROM unnest($1::text[]) AS m(id)
		JOIN LATERAL (SELECT ("netPortfolio" * 100)::int8 AS c FROM "PortfolioSize" WHERE "modelId" = m.id
		              ORDER BY "createdAt" DESC, "id" DESC LIMIT 1) l ON true`, ids)
	if err != nil {
		return nil, readErr(err, "query latest equity")
	}
	out := map[string]int64{}
	var id string
	var c int64
	_, err = pgx.ForEachRow(rows, []any{&id, &c}, func() error { out[id] = c; return nil })
	if err != nil {
		return nil, readErr(err, "read latest equity")
	}
	return out, nil
}

// DailyCloses returns each model's last equity of every UTC day, in cents,
// oldest first.
func (r *Reader) DailyCloses(ctx context.Context, ids []string) (map[string][]int64, error) {
	rows, err := r.pool.Query(ctx, `
		SELECT "modelId", "lastCents" FROM "PortfolioBuckets"
		WHERE "modelId" = ANY($1) AND "width" = 86400 ORDER BY "modelId", "bucketStart"`, ids)
	if err != nil {
		return nil, readErr(err, "query daily closes")
	}
	out := map[string][]int64{}
	var id string
	var c int64
	_, err = pgx.ForEachRow(rows, []any{&id, &c}, func() error { out[id] = append(out[id], c); return nil })
	if err != nil {
		return nil, readErr(err, "read daily closes")
	}
	return out, nil
}

// VariantHourlySums returns, per variant and per hour from `from` on, the
// sum and number of all snapshots of the variant's LLM accounts in that
// hour (the hour of `from` counts only snapshots at or after it), ordered
// by variant, then hour.
func (r *Reader) VariantHourlySums(ctx context.Context, from time.Time) ([]arena.HourlySum, error) {
	c1 := binCeil(from, time.Hour)
	rows, err := r.pool.Query(ctx, `
		SELECT "variant"::text, "hourStart", "sumCents", "points" FROM "VariantHourly" WHERE "hourStart" >= $2
		UNION ALL
		SELECT m."variant"::text, date_bin(interval '1 hour', p."createdAt", timestamptz 'epoch'),
		       sum((p."netPortfolio" * 100)::int8 * p."samples")::int8, sum(p."samples")::int8
		FROM "PortfolioSize" p JOIN "Models" m ON m."id" = p."modelId" AND m."kind" = 'llm'
		WHERE p."createdAt" >= $1 AND p."createdAt" < $2
		GROUP BY m."variant", 2`, from, c1)
	if err != nil {
		return nil, readErr(err, "query variant history")
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (arena.HourlySum, error) {
		var h arena.HourlySum
		err := row.Scan(&h.Group, &h.HourStart, &h.SumCents, &h.Points)
		return h, err
	})
	if err != nil {
		return nil, readErr(err, "read variant history")
	}
	slices.SortFunc(out, func(a, b arena.HourlySum) int {
		return cmp.Or(strings.Compare(a.Group, b.Group), a.HourStart.Compare(b.HourStart))
	})
	return out, nil
}

func validWidth(w time.Duration) bool {
	switch w {
	case arena.Bucket5m, arena.Bucket15m, arena.Bucket1h, arena.Bucket4h, arena.Bucket1d:
		return true
	}
	return false
}

// binStart is the start of the epoch-aligned bucket of width containing t,
// as PostgreSQL's date_bin computes it.
func binStart(t time.Time, width time.Duration) time.Time {
	d := t.Sub(time.Unix(0, 0))
	b := d - d%width
	if d%width < 0 {
		b -= width
	}
	return time.Unix(0, 0).Add(b).UTC()
}

// binCeil is the first bucket boundary at or after t.
func binCeil(t time.Time, width time.Duration) time.Time {
	s := binStart(t, width)
	if s.Equal(t) {
		return s
	}
	return s.Add(width)
}
