package exchange

import (
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

// CancelOrder cancels a live order. With MakerLatency the cancel reaches the
// engine later, and the order may fill meanwhile; the returned order is its
// state now (see Wait for the outcome).
func (e *Exchange) CancelOrder(now time.Time, accountID, orderID string) (arena.Order, error) {
	e.mu.Lock()
	defer e.unlock() // publishes what advancing the clock did, on every return path
	if e.cfg.Journal != nil {
		e.journal(&Input{Kind: InputCancel, Time: now, AccountID: accountID, OrderID: orderID})
	}
	e.tick(now)
	a, err := e.account(accountID)
	if err != nil {
		return arena.Order{}, err
	}
	lo, ok := a.live[orderID]
	if !ok {
		if o, found := a.lookup(orderID); found {
			return o, arena.Errorf(arena.CodeConflict, "order %q is already %s", orderID, o.State)
		}
		return arena.Order{}, arena.Errorf(arena.CodeNotFound, "unknown order %q", orderID)
	}
	if e.cfg.MakerLatency == 0 {
		e.cancel(lo, "cancelled by request")
	} else if lo.order.CancelAt.IsZero() {
		lo.order.CancelAt = e.now.Add(e.cfg.MakerLatency)
		e.emitOrder(&lo.order)
		e.queueCancel(lo)
	}
	o := lo.order
	e.flush()
	return o, nil
}

// cancel ends a live order (pending or resting) with reason.
func (e *Exchange) cancel(lo *liveOrder, reason string) {
	if lo.order.State.Final() {
		return
	}
	if lo.order.State == arena.OrderResting {
		e.unrest(lo)
	}
	lo.order.State, lo.order.Reason = arena.OrderCancelled, reason
	e.emitOrder(&lo.order)
	e.finish(lo)
}

// cancelAll cancels every live order of a.
func (e *Exchange) cancelAll(a *account, reason string) {
	for _, op := range e.pending {
		if op.lo.acct == a && !op.cancel {
			e.cancel(op.lo, reason)
		}
	}
	for _, m := range e.markets {
		for _, lo := range m.parked {
			if lo.acct == a {
				e.cancel(lo, reason)
			}
		}
		for _, list := range []*[]*liveOrder{&m.restBids, &m.restAsks} {
			for i := 0; i < len(*list); {
				if lo := (*list)[i]; lo.acct == a {
					e.cancel(lo, reason)
					continue
				}
				i++
			}
		}
	}
}

// queueCancel sends lo's requested cancel towards the engine.
func (e *Exchange) queueCancel(lo *liveOrder) {
	lo.busy++
	e.pushPending(pendingOp{due: lo.order.CancelAt, seq: lo.order.Priority, lo: lo, cancel: true})
}
