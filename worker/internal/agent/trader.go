package agent

import (
	"context"

	"github.com/autonome-go/autonome/shared/arena"
)

// Trader is the simulator as the agents (and the command handlers) use it.
// Account ids are "Models".id.
type Trader interface {
	Markets() []arena.Market
	Prices() []arena.Price
	Snapshot(accountID string) (arena.AccountSnapshot, error)
	Snapshots() []arena.AccountSnapshot
	// PlaceOrder submits and waits until the order is final (filled, cancelled, rejected) or resting, and its records are persisted.
	PlaceOrder(ctx context.Context, req arena.OrderRequest) (arena.Order, error)
	ClosePosition(ctx context.Context, accountID, orderID string, sym arena.Symbol) (arena.Order, error)
	UpdateExitPlan(ctx context.Context, accountID string, sym arena.Symbol, plan arena.ExitPlan) (arena.Position, error)
	ResetAccount(ctx context.Context, accountID string) error
}
