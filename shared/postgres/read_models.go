package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/autonome-go/autonome/shared/arena"
)

// modelsQuery selects every "Models" row, with the columns scanModel reads
// first, then extra ones, then order ("Models"."variant" sorts by the enum's
// order, "variant" by the text the query returns).
func modelsQuery(extra, order string) string {
	return `SELECT "id", "name", "openRouterModelName", "variant"::text, "provider", "kind", "active", "createdAt",
		"runStatus", "runHint"` + extra + ` FROM "Models" ORDER BY ` + order
}

// scanModel reads a modelsQuery row into m, then the extra columns into extra.
func scanModel(row pgx.Row, m *arena.Model, extra ...any) error {
	return row.Scan(append([]any{&m.ID, &m.Name, &m.ProviderModel, &m.Variant, &m.Provider, &m.Kind, &m.Active,
		&m.CreatedAt, &m.RunStatus, &m.RunHint}, extra...)...)
}

// Models returns every model ordered by name, then variant.
func (r *Reader) Models(ctx context.Context) ([]arena.Model, error) {
	rows, err := r.pool.Query(ctx, modelsQuery("", `"name", "Models"."variant", "id"`))
	if err != nil {
		return nil, readErr(err, "query models")
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (arena.Model, error) {
		var m arena.Model
		return m, scanModel(row, &m)
	})
	if err != nil {
		return nil, readErr(err, "read models")
	}
	return out, nil
}

// Accounts returns the accounts of ids (every account when ids is nil).
func (r *Reader) Accounts(ctx context.Context, ids []string) ([]arena.Account, error) {
	rows, err := r.pool.Query(ctx, `
		SELECT "modelId", "initialCapital", "cash", "realizedPnl", "feesPaid",
		       "fundingPnl", "insuranceCredit", "epoch", "updatedAt"
		FROM "Accounts" WHERE $1::text[] IS NULL OR "modelId" = ANY($1) ORDER BY "modelId"`, numericText, ids)
	if err != nil {
		return nil, readErr(err, "query accounts")
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (arena.Account, error) {
		var a arena.Account
		err := row.Scan(&a.AccountID, &a.Capital, &a.Cash, &a.RealizedPnL, &a.Fees, &a.Funding, &a.Insurance,
			&a.Epoch, &a.UpdatedAt)
		return a, err
	})
	if err != nil {
		return nil, readErr(err, "read accounts")
	}
	return out, nil
}
