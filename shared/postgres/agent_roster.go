package postgres

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/autonome-go/autonome/shared/arena"
)

// RosterResult counts what ReconcileRoster changed.
type RosterResult struct {
	Created     int // seats new to "Models" (with their accounts)
	Updated     int // seats whose provider, model id or kind changed, or that were inactive
	Deactivated int // seats no longer in the roster
}

// ReconcileRoster makes "Models" follow roster, in one transaction: a seat
// (name and variant) not yet there is created with an account holding
// initialCapital; one whose provider, provider model id or kind changed is
// updated and made active; an active seat the roster no longer lists is
// deactivated. Nothing is deleted: a deactivated seat keeps its account,
// invocations and history, and listing it again makes it active again.
func ReconcileRoster(ctx context.Context, pool *pgxpool.Pool, roster []arena.RosterEntry, initialCapital arena.Fixed) (RosterResult, error) {
	var res RosterResult
	err := Tx(ctx, pool, func(tx pgx.Tx) error {
		names, variants := make([]string, len(roster)), make([]string, len(roster))
		for i, e := range roster {
			names[i], variants[i] = e.Name, string(e.Variant)
			var inserted bool
			err := tx.QueryRow(ctx, `
				INSERT INTO "Models" ("id", "name", "openRouterModelName", "variant", "provider", "kind")
				VALUES ($1, $2, $3, $4, $5, $6)
				ON CONFLICT ("name", "variant") DO UPDATE SET "openRouterModelName" = EXCLUDED."openRouterModelName",
					"provider" = EXCLUDED."provider", "kind" = EXCLUDED."kind", "active" = true, "updatedAt" = now()
				WHERE ("Models"."openRouterModelName", "Models"."provider", "Models"."kind", "Models"."active")
				      IS DISTINCT FROM (EXCLUDED."openRouterModelName", EXCLUDED."provider", EXCLUDED."kind", true)
				RETURNING xmax = 0`,
				uuid.NewString(), e.Name, e.ProviderModel, string(e.Variant), string(e.Provider), string(e.Kind)).Scan(&inserted)
			switch {
			case IsNotFound(err): // unchanged
			case err != nil:
				return fmt.Errorf("reconcile model %s/%s: %w", e.Name, e.Variant, err)
			case inserted:
				res.Created++
			default:
				res.Updated++
			}
		}
		tag, err := tx.Exec(ctx, `
			UPDATE "Models" m SET "active" = false, "updatedAt" = now()
			WHERE m."active" AND NOT EXISTS (
				SELECT 1 FROM unnest($1::text[], $2::text[]) AS r(name, variant)
				WHERE r.name = m."name" AND r.variant = m."variant"::text)`, names, variants)
		if err != nil {
			return fmt.Errorf("deactivate models: %w", err)
		}
		res.Deactivated = int(tag.RowsAffected())
		_, err = tx.Exec(ctx, `
			INSERT INTO "Accounts" ("modelId", "initialCapital", "cash")
			SELECT "id", $1::numeric, $1::numeric FROM "Models"
			ON CONFLICT ("modelId") DO NOTHING`, initialCapital.String())
		if err != nil {
			return fmt.Errorf("insert accounts: %w", err)
		}
		return nil
	})
	return res, err
}

// SeatRun is whether one seat (name and variant) can run.
type SeatRun struct {
	Name    string
	Variant arena.Variant
	Status  string // arena.RunActive or arena.RunNoKey
	Hint    string // how to enable a seat that cannot run
}

// SetRunStatuses records the seats' run statuses; seats not listed keep
// theirs.
func SetRunStatuses(ctx context.Context, pool *pgxpool.Pool, seats []SeatRun) error {
	n := len(seats)
	names, variants, statuses, hints := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	for i, s := range seats {
		names[i], variants[i], statuses[i], hints[i] = s.Name, string(s.Variant), s.Status, s.Hint
	}
	_, err := pool.Exec(ctx, `
		UPDATE "Models" m SET "runStatus" = r.status, "runHint" = r.hint, "updatedAt" = now()
		FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS r(name, variant, status, hint)
		WHERE m."name" = r.name AND m."variant"::text = r.variant AND (m."runStatus", m."runHint") IS DISTINCT FROM (r.status, r.hint)`,
		names, variants, statuses, hints)
	if err != nil {
		return fmt.Errorf("record run statuses: %w", err)
	}
	return nil
}
