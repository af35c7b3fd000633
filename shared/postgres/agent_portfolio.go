package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/autonome-go/autonome/shared/arena"
)

// cent is the precision of "PortfolioSize"."netPortfolio".
var cent = arena.Fixed(arena.FixedScale / 100)

// InsertSnapshots writes one raw "PortfolioSize" row per snapshot, created
// at `at`, with the equity rounded half away from zero to cents, in one
// statement. It returns how many rows it wrote.
func (s *Agents) InsertSnapshots(ctx context.Context, at time.Time, snaps []arena.EquitySnapshot) (int, error) {
	if len(snaps) == 0 {
		return 0, nil
	}
	ids, models, values := make([]string, len(snaps)), make([]string, len(snaps)), make([]string, len(snaps))
	for i, sn := range snaps {
		ids[i], models[i], values[i] = uuid.NewString(), sn.ModelID, sn.Equity.RoundTo(cent).String()
	}
	tag, err := s.pool.Exec(ctx, `
		INSERT INTO "PortfolioSize" ("id", "modelId", "netPortfolio", "resolution", "createdAt", "updatedAt")
		SELECT r.id, r.m, r.v::numeric, 'raw', $4, $4 FROM unnest($1::text[], $2::text[], $3::text[]) AS r(id, m, v)`,
		ids, models, values, at)
	if err != nil {
		return 0, fmt.Errorf("insert equity snapshots: %w", err)
	}
	return int(tag.RowsAffected()), nil
}

// RollUpSnapshots applies retention at now in one transaction: raw rows of
// whole UTC hours older than rawAge become one 'hour' row per model and
// hour, and 'hour' rows of whole UTC days older than hourAge one 'day' row
// per model and day. A rolled-up row sits at the start of its hour or day;
// its value is the mean of the raw snapshots it stands for (weighted by
// "samples"), rounded to cents, so the mean of every hour and day is kept.
// Running it again changes nothing.
func (s *Agents) RollUpSnapshots(ctx context.Context, now time.Time, rawAge, hourAge time.Duration) (arena.SnapshotRollUp, error) {
	r := arena.SnapshotRollUp{RawBefore: now.Add(-rawAge).UTC().Truncate(time.Hour), HoursBefore: binStart(now.Add(-hourAge), 24*time.Hour)}
	err := Tx(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		if r.RawRolled, r.HourRows, err = rollUp(ctx, tx, "raw", "hour", "1 hour", r.RawBefore); err != nil {
			return err
		}
		r.HourRolled, r.DayRows, err = rollUp(ctx, tx, "hour", "day", "1 day", r.HoursBefore)
		return err
	})
	return r, err
}

// rollUp replaces the rows of resolution from created before `before` by
// one row of resolution to per model and bin, merging with a row already
// there (a late row), and returns the rows removed and written.
func rollUp(ctx context.Context, tx pgx.Tx, from, to, bin string, before time.Time) (removed, written int64, err error) {
	err = tx.QueryRow(ctx, `
		WITH moved AS (
			DELETE FROM "PortfolioSize" WHERE "resolution" = $1 AND "createdAt" < $4
			RETURNING "modelId", "netPortfolio", "samples", "createdAt"
		), agg AS (
			SELECT "modelId", date_bin($3::interval, "createdAt", timestamptz 'epoch') AS b,
			       sum("netPortfolio" * "samples") AS s, sum("samples")::int AS n
			FROM moved GROUP BY 1, 2
		), up AS (
			INSERT INTO "PortfolioSize" AS p ("id", "modelId", "netPortfolio", "samples", "resolution", "createdAt", "updatedAt")
			SELECT gen_random_uuid()::text, "modelId", round(s / n, 2), n, $2, b, now() FROM agg
			ON CONFLICT ("modelId", "resolution", "createdAt") WHERE "resolution" <> 'raw' DO UPDATE SET
				"netPortfolio" = round((p."netPortfolio" * p."samples" + EXCLUDED."netPortfolio" * EXCLUDED."samples")
				                       / (p."samples" + EXCLUDED."samples"), 2),
				"samples" = p."samples" + EXCLUDED."samples", "updatedAt" = now()
			RETURNING 1
		)
		SELECT (SELECT count(*) FROM moved), (SELECT count(*) FROM up)`, from, to, bin, before).Scan(&removed, &written)
	if err != nil {
		return 0, 0, fmt.Errorf("roll %s snapshots into %s rows: %w", from, to, err)
	}
	return removed, written, nil
}
