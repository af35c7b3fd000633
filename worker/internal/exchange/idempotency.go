package exchange

import (
	"github.com/autonome-go/autonome/shared/arena"
)

// Client order ids make commands idempotent: an account remembers its live
// orders and its last IdempotencyWindow finished ones (see account.remember),
// and a repeated id returns the first outcome instead of executing again.
// The window is a cache: the durable simulator looks older ids up in the
// database (Resend), so an id is never executed twice, restart or not.

// Resend answers req with prev, an order the durable store recorded under the
// same client order id but that this exchange no longer remembers (older
// than its window): the same outcome for the same request, a CodeConflict
// error for a different one. Nothing executes.
func Resend(prev arena.Order, req arena.OrderRequest) (arena.Order, error) {
	return duplicate(prev, &req)
}

// duplicate answers a repeated client order id.
func duplicate(prev arena.Order, req *arena.OrderRequest) (arena.Order, error) {
	if !sameRequest(&prev.OrderRequest, req) {
		return arena.Order{}, arena.Errorf(arena.CodeConflict, "order id %q was already used for a different order", req.OrderID)
	}
	return prev, orderError(&prev)
}

func sameRequest(a, b *arena.OrderRequest) bool {
	if a.AccountID != b.AccountID || a.Symbol != b.Symbol || a.ClosePosition != b.ClosePosition {
		return false
	}
	if a.ClosePosition {
		return true // side and quantity are set when it executes
	}
	return a.PositionID == b.PositionID && a.Side == b.Side && a.Type == b.Type &&
		a.TimeInForce == b.TimeInForce && a.Quantity == b.Quantity && a.Price == b.Price &&
		a.Leverage == b.Leverage && a.ReduceOnly == b.ReduceOnly && samePlan(a.ExitPlan, b.ExitPlan)
}

func samePlan(a, b arena.ExitPlan) bool {
	return a.Stop == b.Stop && a.Target == b.Target && a.Invalidation == b.Invalidation &&
		a.InvalidationPrice == b.InvalidationPrice && a.TimeExit.Equal(b.TimeExit) && a.Confidence == b.Confidence
}
