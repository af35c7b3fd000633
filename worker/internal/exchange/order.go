package exchange

import (
	"context"
	"fmt"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

// liveOrder is an order that is pending (travelling to the engine), resting,
// or executing right now.
type liveOrder struct {
	order    arena.Order
	acct     *account
	m        *market
	reserved arena.Fixed // margin held while resting
	prio     uint64      // time priority among resting orders
	busy     int         // pending arrivals and cancels not yet processed
	done     chan struct{}
	system   bool // placed by the exchange itself (exit plans, liquidation)
}

// SubmitOrder validates req and sends it to the engine. With zero latency
// it executes before SubmitOrder returns and the returned order is its
// outcome; otherwise it returns the PENDING order, which executes when the
// clock reaches DueAt (see Wait). A rejected order comes back with a coded
// error: CodeInvalid for a malformed request (nothing is recorded),
// CodeRejected for one the exchange refused when it arrived (recorded).
//
// Submitting an OrderID again returns the first outcome without executing
// anything; with different parameters it is a CodeConflict error.
func (e *Exchange) SubmitOrder(now time.Time, req arena.OrderRequest) (arena.Order, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.tick(now)
	a, m, err := e.validate(&req)
	if err != nil {
		return arena.Order{}, err
	}
	if prev, ok := a.lookup(req.OrderID); ok {
		return duplicate(prev, &req)
	}
	o := e.submit(a, m, &req)
	e.flush()
	return o, orderError(&o)
}

// ClosePosition closes the account's whole position in sym at market: a
// reduce-only order that needs no margin, sized when it reaches the engine.
// If the book runs out, the partial result comes back CANCELLED with Filled
// and Reason set.
func (e *Exchange) ClosePosition(now time.Time, accountID, orderID string, sym arena.Symbol) (arena.Order, error) {
	return e.SubmitOrder(now, arena.OrderRequest{
		AccountID: accountID, OrderID: orderID, Symbol: sym,
		Type: arena.OrderMarket, ReduceOnly: true, ClosePosition: true,
	})
}

func (e *Exchange) submit(a *account, m *market, req *arena.OrderRequest) arena.Order {
	o := arena.Order{OrderRequest: *req, State: arena.OrderPending, SubmittedAt: e.now}
	lat := e.latency(m, &o)
	o.DueAt = e.now.Add(lat)
	if lat == 0 {
		lo := &e.inline
		*lo = liveOrder{order: o, acct: a, m: m}
		return e.arrive(lo).order
	}
	lo := &liveOrder{order: o, acct: a, m: m, busy: 1}
	a.live[o.OrderID] = lo
	e.emitOrder(&lo.order)
	e.pushPending(pendingOp{due: o.DueAt, seq: e.nextOp(), lo: lo})
	return lo.order
}

// latency picks the delay of an order: takers (market, IOC, a GTC limit
// crossing the book now) use TakerLatency, makers MakerLatency.
func (e *Exchange) latency(m *market, o *arena.Order) time.Duration {
	switch {
	case o.Type == arena.OrderMarket || o.TimeInForce == arena.IOC:
		return e.cfg.TakerLatency
	case o.TimeInForce == arena.PostOnly:
		return e.cfg.MakerLatency
	}
	opp := m.book.opposite(o.Side)
	if best, ok := opp.bestAvailable(); ok && !opp.better(o.Price, best) {
		return e.cfg.TakerLatency
	}
	return e.cfg.MakerLatency
}

// arrive executes lo at the engine against the book as it stands and
// returns where the order now lives (a resting copy of an inline order).
func (e *Exchange) arrive(lo *liveOrder) *liveOrder {
	o, a, m := &lo.order, lo.acct, lo.m
	if reason := e.staleReason(m); reason != "" {
		return e.reject(lo, reason)
	}
	p := &a.slots[m.idx].pos
	if o.ClosePosition {
		if p.Quantity == 0 {
			return e.reject(lo, fmt.Sprintf("no open %s position to close", m.spec.Symbol))
		}
		o.Side, o.Quantity = p.Side.Opposite(), p.Quantity
	}
	qty := o.Remaining()
	if o.ReduceOnly {
		if p.Quantity == 0 || p.Side == o.Side {
			return e.reject(lo, "reduce-only order would not reduce a position")
		}
		qty = min(qty, p.Quantity)
	}
	if !o.ExitPlan.IsZero() && (p.Quantity == 0 || p.Side == o.Side || qty > p.Quantity) {
		if err := e.checkPlan(p, m, o.Side, o.ExitPlan); err != nil {
			return e.reject(lo, arena.ErrorMessage(err))
		}
	}
	limit := arena.Fixed(0)
	if o.Type == arena.OrderLimit {
		limit = o.Price
	}
	e.walked = e.walked[:0]
	taken := arena.Fixed(0)
	if o.TimeInForce == arena.PostOnly {
		opp := m.book.opposite(o.Side)
		if best, ok := opp.bestAvailable(); ok && !opp.better(o.Price, best) {
			return e.reject(lo, fmt.Sprintf("post-only order at %s would take liquidity at %s", o.Price, best))
		}
	} else {
		taken = e.walk(m, o.Side, qty, limit)
	}
	e.price(m, o, p, arena.Taker)
	rest := arena.Fixed(0)
	if o.Type == arena.OrderLimit && o.TimeInForce != arena.IOC {
		rest = o.Remaining() - taken
	}
	if !o.ReduceOnly {
		if before, after, opens := e.projectMargin(lo, rest); opens && after < 0 {
			return e.reject(lo, fmt.Sprintf("insufficient margin: the order needs %s USDT of margin and fees, %s is available",
				before-after, max(before, 0)))
		}
	}
	e.commitWalk(lo)
	e.afterFills(lo, taken > 0)
	switch {
	case o.Remaining() == 0:
		o.State = arena.OrderFilled
	case rest > 0:
		lo = e.rest(lo)
		e.emitOrder(o)
		return lo
	case o.Filled == 0:
		return e.reject(lo, "no liquidity available")
	default:
		o.State, o.Reason = arena.OrderCancelled, remainderReason(o)
	}
	e.emitOrder(o)
	e.finish(lo)
	return lo
}

// afterFills records the position an order left behind and attaches the
// order's exit plan to it when the order opened or increased it.
// A resting order's plan is only attached to a position that has none, so
// fills arriving later never undo an UpdateExitPlan.
func (e *Exchange) afterFills(lo *liveOrder, filled bool) {
	if !filled {
		return
	}
	a, m, o := lo.acct, lo.m, &lo.order
	p := &a.slots[m.idx].pos
	if p.Quantity > 0 {
		attach := o.State != arena.OrderResting || p.ExitPlan.IsZero()
		if attach && !o.ExitPlan.IsZero() && p.Side == o.Side && tightenOnly(p, o.ExitPlan) == nil {
			p.ExitPlan = o.ExitPlan
		}
		e.emitPosition(p)
	}
	e.syncTriggers(a, m.idx)
	e.markDirty(a)
}

func remainderReason(o *arena.Order) string {
	switch {
	case o.ReduceOnly && o.Type == arena.OrderMarket:
		return "remainder cancelled: insufficient book depth or beyond the position"
	case o.Type == arena.OrderMarket:
		return "remainder cancelled: insufficient book depth"
	}
	return "remainder cancelled: immediate-or-cancel"
}

func (e *Exchange) reject(lo *liveOrder, reason string) *liveOrder {
	lo.order.State, lo.order.Reason = arena.OrderRejected, reason
	e.emitOrder(&lo.order)
	e.finish(lo)
	return lo
}

// finish forgets a final order as live, remembers it for idempotency and
// wakes anyone waiting for it.
func (e *Exchange) finish(lo *liveOrder) {
	if lo.system {
		return
	}
	a := lo.acct
	delete(a.live, lo.order.OrderID)
	a.remember(lo.order)
	lo.wake()
}

func (lo *liveOrder) wake() {
	if lo.done != nil {
		close(lo.done)
		lo.done = nil
	}
}

func orderError(o *arena.Order) error {
	if o.State == arena.OrderRejected {
		return arena.Errorf(arena.CodeRejected, "%s", o.Reason)
	}
	return nil
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

// CancelOrder cancels a live order. With MakerLatency the cancel reaches the
// engine later, and the order may fill meanwhile; the returned order is its
// state now (see Wait for the outcome).
func (e *Exchange) CancelOrder(now time.Time, accountID, orderID string) (arena.Order, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
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
	} else {
		lo.busy++
		e.pushPending(pendingOp{due: e.now.Add(e.cfg.MakerLatency), seq: e.nextOp(), lo: lo, cancel: true})
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
