package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/autonome-go/autonome/shared/arena"
)

// AgentModels returns every model (active or not) ordered by name, then
// variant.
func (s *Agents) AgentModels(ctx context.Context) ([]arena.AgentModel, error) {
	rows, err := s.pool.Query(ctx, modelsQuery(`, "invocationCount", "totalMinutes", "failedWorkflowCount", "failedToolCallCount"`,
		`"name", "variant", "id"`))
	if err != nil {
		return nil, fmt.Errorf("query models: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (arena.AgentModel, error) {
		var m arena.AgentModel
		return m, scanModel(row, &m.Model, &m.InvocationCount, &m.TotalMinutes, &m.FailedWorkflowCount, &m.FailedToolCallCount)
	})
	if err != nil {
		return nil, fmt.Errorf("read models: %w", err)
	}
	return out, nil
}

// AccountEpoch returns the ledger epoch of the model's account (how many
// times it was reset).
func (s *Agents) AccountEpoch(ctx context.Context, modelID string) (int, error) {
	var epoch int
	err := s.pool.QueryRow(ctx, `SELECT "epoch" FROM "Accounts" WHERE "modelId" = $1`, modelID).Scan(&epoch)
	if IsNotFound(err) {
		return 0, arena.Errorf(arena.CodeNotFound, "unknown account %q", modelID)
	}
	if err != nil {
		return 0, fmt.Errorf("read account epoch: %w", err)
	}
	return epoch, nil
}

// OrderFills returns the fills of the model's order orderID (a client
// order id), oldest first, from the ledger the simulator wrote before it
// answered.
func (s *Agents) OrderFills(ctx context.Context, modelID, orderID string) ([]arena.LedgerFill, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT "quantity", "price", "amount", "createdAt" FROM "LedgerEntries"
		WHERE "modelId" = $1 AND "orderId" = $2 AND "kind" = 'FILL' ORDER BY "id"`, numericText, modelID, orderID)
	if err != nil {
		return nil, fmt.Errorf("query order fills: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (arena.LedgerFill, error) {
		var f arena.LedgerFill
		err := row.Scan(&f.Quantity, &f.Price, &f.Amount, &f.At)
		return f, err
	})
	if err != nil {
		return nil, fmt.Errorf("read order fills: %w", err)
	}
	return out, nil
}
