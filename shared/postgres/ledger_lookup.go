package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/autonome-go/autonome/shared/arena"
)

// FindOrder returns the order the ledger recorded under an account's client
// order id (its latest version), and whether there is one. The exchange
// remembers only recent ids; this is the durable answer for older ones.
func FindOrder(ctx context.Context, pool *pgxpool.Pool, accountID, orderID string) (arena.Order, bool, error) {
	var raw []byte
	err := pool.QueryRow(ctx, `SELECT "state" FROM "SimOrders" WHERE "modelId" = $1 AND "id" = $2 AND "state" IS NOT NULL`,
		accountID, orderID).Scan(&raw)
	if errors.Is(err, pgx.ErrNoRows) {
		return arena.Order{}, false, nil
	}
	if err != nil {
		return arena.Order{}, false, fmt.Errorf("find order %s of %s: %w", orderID, accountID, err)
	}
	var o arena.Order
	if err := json.Unmarshal(raw, &o); err != nil {
		return arena.Order{}, false, fmt.Errorf("decode order %s of %s: %w", orderID, accountID, err)
	}
	return o, true, nil
}
