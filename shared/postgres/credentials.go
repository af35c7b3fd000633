package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// SaveCredentials stores a model's sealed venue credentials in
// "ModelCredentials" (sealed by the worker; this package never sees them in
// clear), replacing earlier ones.
func SaveCredentials(ctx context.Context, pool *pgxpool.Pool, modelID string, sealed []byte) error {
	_, err := pool.Exec(ctx, `INSERT INTO "ModelCredentials" ("modelId", "sealedApiKey") VALUES ($1, $2)
		ON CONFLICT ("modelId") DO UPDATE SET "sealedApiKey" = EXCLUDED."sealedApiKey", "updatedAt" = now()`, modelID, sealed)
	if err != nil {
		return fmt.Errorf("save credentials of %s: %w", modelID, err)
	}
	return nil
}

// LoadCredentials returns a model's sealed venue credentials; ok is false
// when it has none. Only the worker's live mode calls it.
func LoadCredentials(ctx context.Context, pool *pgxpool.Pool, modelID string) (sealed []byte, ok bool, err error) {
	err = pool.QueryRow(ctx, `SELECT "sealedApiKey" FROM "ModelCredentials" WHERE "modelId" = $1`, modelID).Scan(&sealed)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return nil, false, nil
	case err != nil:
		return nil, false, fmt.Errorf("load credentials of %s: %w", modelID, err)
	}
	return sealed, true, nil
}
