package postgres

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/autonome-go/autonome/shared/arena"
)

// SeedResult says what Seed changed.
type SeedResult struct {
	ModelsCreated   int
	AccountsCreated int
}

// Seed creates the roster's models and their accounts (cash = initial
// capital) where they do not exist yet. It never deletes or resets anything,
// so running it again, or on every start, is safe.
func Seed(ctx context.Context, pool *pgxpool.Pool, roster []arena.RosterEntry, initialCapital arena.Fixed) (SeedResult, error) {
	var res SeedResult
	err := Tx(ctx, pool, func(tx pgx.Tx) error {
		for _, e := range roster {
			tag, err := tx.Exec(ctx, `
				INSERT INTO "Models" ("id", "name", "openRouterModelName", "variant", "provider", "kind")
				VALUES ($1, $2, $3, $4, $5, $6)
				ON CONFLICT ("name", "variant") DO NOTHING`,
				uuid.NewString(), e.Name, e.ProviderModel, string(e.Variant), string(e.Provider), string(e.Kind))
			if err != nil {
				return fmt.Errorf("insert model %s/%s: %w", e.Name, e.Variant, err)
			}
			res.ModelsCreated += int(tag.RowsAffected())
		}
		tag, err := tx.Exec(ctx, `
			INSERT INTO "Accounts" ("modelId", "initialCapital", "cash")
			SELECT "id", $1::numeric, $1::numeric FROM "Models"
			ON CONFLICT ("modelId") DO NOTHING`, initialCapital.String())
		if err != nil {
			return fmt.Errorf("insert accounts: %w", err)
		}
		res.AccountsCreated = int(tag.RowsAffected())
		return nil
	})
	return res, err
}
