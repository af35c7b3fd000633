package live

import (
	"context"

	"github.com/autonome-go/autonome/shared/arena"
)

// Simulated is the simulator as the agents use it (the agent package's
// Trader): the router serves the same methods, sending the live models'
// orders to the venue and everything else to the simulator.
type Simulated interface {
	Markets() []arena.Market
	Prices() []arena.Price
	Snapshot(accountID string) (arena.AccountSnapshot, error)
	Snapshots() []arena.AccountSnapshot
	PlaceOrder(ctx context.Context, req arena.OrderRequest) (arena.Order, error)
	ClosePosition(ctx context.Context, accountID, orderID string, sym arena.Symbol) (arena.Order, error)
	UpdateExitPlan(ctx context.Context, accountID string, sym arena.Symbol, plan arena.ExitPlan) (arena.Position, error)
	ResetAccount(ctx context.Context, accountID string) error
}

// Router routes each account's trading: live models to their Account,
// the rest to the simulator. Reads (markets, prices, snapshots) always come
// from the simulator, whose ledger holds the live accounts' venue fills.
type Router struct {
	Simulated
	live map[string]*Account
}

// NewRouter returns a router over sim and the live accounts.
func NewRouter(sim Simulated, accounts ...*Account) *Router {
	r := &Router{Simulated: sim, live: map[string]*Account{}}
	for _, a := range accounts {
		r.live[a.ModelID()] = a
	}
	return r
}

// PlaceOrder routes req by its account.
func (r *Router) PlaceOrder(ctx context.Context, req arena.OrderRequest) (arena.Order, error) {
	if a, ok := r.live[req.AccountID]; ok {
		o, err := a.PlaceOrder(ctx, req)
		o.AccountID = req.AccountID
		return o, err
	}
	return r.Simulated.PlaceOrder(ctx, req)
}

// ClosePosition routes by account.
func (r *Router) ClosePosition(ctx context.Context, accountID, orderID string, sym arena.Symbol) (arena.Order, error) {
	if a, ok := r.live[accountID]; ok {
		o, err := a.ClosePosition(ctx, orderID, sym)
		o.AccountID = accountID
		return o, err
	}
	return r.Simulated.ClosePosition(ctx, accountID, orderID, sym)
}

// UpdateExitPlan routes by account.
func (r *Router) UpdateExitPlan(ctx context.Context, accountID string, sym arena.Symbol, plan arena.ExitPlan) (arena.Position, error) {
	if a, ok := r.live[accountID]; ok {
		return a.UpdateExitPlan(ctx, sym, plan)
	}
	return r.Simulated.UpdateExitPlan(ctx, accountID, sym, plan)
}

// ResetAccount refuses live accounts: their money is on the venue.
func (r *Router) ResetAccount(ctx context.Context, accountID string) error {
	if _, ok := r.live[accountID]; ok {
		return arena.Errorf(arena.CodeInvalid, "a live account cannot be reset: its money is on the venue")
	}
	return r.Simulated.ResetAccount(ctx, accountID)
}
