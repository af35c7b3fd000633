package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/autonome-go/autonome/shared/arena"
)

// SeasonRow is one imported season bundle: its manifest, configuration and
// leaderboard as JSON documents (their shapes are worker/internal/season's
// Manifest, Config and []Row), and whether a replay reproduced its result.
type SeasonRow struct {
	ID               string
	ParentID         string // "" for a season that is no A/B derivative
	ParentResultHash string
	Swap             string
	Start, End       time.Time
	Entrants         int
	ResultHash       string
	BundleSHA256     string
	BundleBytes      int64
	Manifest         json.RawMessage
	Config           json.RawMessage
	Leaderboard      json.RawMessage
	Verified         bool
	VerifyError      string
	VerifiedAt       time.Time // zero when never verified
	ImportedAt       time.Time
}

// ImportSeason inserts a season, or replaces the one with its id.
func ImportSeason(ctx context.Context, pool *pgxpool.Pool, s SeasonRow) error {
	var verifiedAt *time.Time
	if !s.VerifiedAt.IsZero() {
		verifiedAt = &s.VerifiedAt
	}
	_, err := pool.Exec(ctx, `
		INSERT INTO "Seasons" ("id", "parentId", "parentResultHash", "swap", "start", "end", "entrants", "resultHash",
			"bundleSha256", "bundleBytes", "manifest", "config", "leaderboard", "verified", "verifyError", "verifiedAt")
		VALUES ($1, NULLIF($2, ''), NULLIF($3, ''), $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
		ON CONFLICT ("id") DO UPDATE SET "parentId" = EXCLUDED."parentId", "parentResultHash" = EXCLUDED."parentResultHash",
			"swap" = EXCLUDED."swap", "start" = EXCLUDED."start", "end" = EXCLUDED."end", "entrants" = EXCLUDED."entrants",
			"resultHash" = EXCLUDED."resultHash", "bundleSha256" = EXCLUDED."bundleSha256", "bundleBytes" = EXCLUDED."bundleBytes",
			"manifest" = EXCLUDED."manifest", "config" = EXCLUDED."config", "leaderboard" = EXCLUDED."leaderboard",
			"verified" = EXCLUDED."verified", "verifyError" = EXCLUDED."verifyError", "verifiedAt" = EXCLUDED."verifiedAt",
			"importedAt" = now()`,
		s.ID, s.ParentID, s.ParentResultHash, s.Swap, s.Start, s.End, s.Entrants, s.ResultHash, s.BundleSHA256, s.BundleBytes,
		s.Manifest, s.Config, s.Leaderboard, s.Verified, s.VerifyError, verifiedAt)
	if err != nil {
		return fmt.Errorf("import season %s: %w", s.ID, err)
	}
	return nil
}

const seasonColumns = `"id", coalesce("parentId", ''), coalesce("parentResultHash", ''), "swap", "start", "end", "entrants",
	"resultHash", "bundleSha256", "bundleBytes", "manifest", "config", "leaderboard", "verified", "verifyError", "verifiedAt", "importedAt"`

func scanSeason(row pgx.Row) (SeasonRow, error) {
	var s SeasonRow
	var verifiedAt *time.Time
	err := row.Scan(&s.ID, &s.ParentID, &s.ParentResultHash, &s.Swap, &s.Start, &s.End, &s.Entrants, &s.ResultHash,
		&s.BundleSHA256, &s.BundleBytes, &s.Manifest, &s.Config, &s.Leaderboard, &s.Verified, &s.VerifyError, &verifiedAt, &s.ImportedAt)
	if verifiedAt != nil {
		s.VerifiedAt = *verifiedAt
	}
	return s, err
}

// Seasons lists the imported seasons, newest start first.
func Seasons(ctx context.Context, pool *pgxpool.Pool) ([]SeasonRow, error) {
	rows, err := pool.Query(ctx, `SELECT `+seasonColumns+` FROM "Seasons" ORDER BY "start" DESC, "id"`)
	if err != nil {
		return nil, fmt.Errorf("query seasons: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (SeasonRow, error) { return scanSeason(r) })
	if err != nil {
		return nil, fmt.Errorf("read seasons: %w", err)
	}
	return out, nil
}

// Season returns one imported season; arena.CodeNotFound when there is none.
func Season(ctx context.Context, pool *pgxpool.Pool, id string) (SeasonRow, error) {
	s, err := scanSeason(pool.QueryRow(ctx, `SELECT `+seasonColumns+` FROM "Seasons" WHERE "id" = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return s, arena.Errorf(arena.CodeNotFound, "no season %q", id)
	}
	if err != nil {
		return s, fmt.Errorf("query season %s: %w", id, err)
	}
	return s, nil
}
