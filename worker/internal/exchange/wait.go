package exchange

import (
	"context"
	"fmt"

	"github.com/autonome-go/autonome/shared/arena"
)

// Order returns an order by client id: live, or among the recently finished.
func (e *Exchange) Order(accountID, orderID string) (arena.Order, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	a, err := e.account(accountID)
	if err != nil {
		return arena.Order{}, err
	}
	o, ok := a.lookup(orderID)
	if !ok {
		return arena.Order{}, arena.Errorf(arena.CodeNotFound, "unknown order %q", orderID)
	}
	return o, nil
}

// Remembers reports whether the account knows the client order id (live or
// recently finished), and, when it does not, whether that is the whole
// truth: false means the account forgot older ids (its window filled, or it
// was restored from part of its history) and the ledger must be asked.
func (e *Exchange) Remembers(accountID, orderID string) (known, complete bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	a, err := e.account(accountID)
	if err != nil {
		return false, true // SubmitOrder reports the unknown account
	}
	_, known = a.lookup(orderID)
	return known, !a.forgot
}

// Wait blocks until the order has reached the engine and any cancel sent
// for it has been processed, then returns it (with a CodeRejected error if
// it was rejected). Something else must advance the clock meanwhile (the
// feed, or Advance).
func (e *Exchange) Wait(ctx context.Context, accountID, orderID string) (arena.Order, error) {
	for {
		e.mu.Lock()
		a, err := e.account(accountID)
		if err != nil {
			e.mu.Unlock()
			return arena.Order{}, err
		}
		lo, live := a.live[orderID]
		if !live || lo.busy == 0 {
			o, ok := a.lookup(orderID)
			e.mu.Unlock()
			if !ok {
				return arena.Order{}, arena.Errorf(arena.CodeNotFound, "unknown order %q", orderID)
			}
			return o, orderError(&o)
		}
		if lo.done == nil {
			lo.done = make(chan struct{})
		}
		done := lo.done
		e.mu.Unlock()
		select {
		case <-ctx.Done():
			return arena.Order{}, fmt.Errorf("wait for order %s: %w", orderID, ctx.Err())
		case <-done:
		}
	}
}
