package exchange

import (
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
	busy     int         // pending arrivals and cancels not yet processed
	done     chan struct{}
	system   bool // placed by the exchange itself (exit plans, liquidation)
	restored bool // pending when restored: arrives only once its market is live
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
	defer e.unlock() // publishes what advancing the clock did, on every return path
	if e.cfg.Journal != nil {
		reqc := req
		e.journal(&Input{Kind: InputOrder, Time: now, Order: &reqc})
	}
	// Look the id up before the clock advances too: orders finishing on the
	// way can push it out of the window (and a caller that saw it known did
	// not ask the ledger).
	var before arena.Order
	var knew bool
	if a, ok := e.byID[req.AccountID]; ok {
		before, knew = a.lookup(req.OrderID)
	}
	e.tick(now)
	a, m, err := e.validate(&req)
	if err != nil {
		return arena.Order{}, err
	}
	if prev, ok := a.lookup(req.OrderID); ok {
		return duplicate(prev, &req)
	}
	if knew {
		return duplicate(before, &req) // forgotten while the clock advanced: final already
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
	lo := &e.inline // built in place: an Order is a large value
	*lo = liveOrder{acct: a, m: m}
	o := &lo.order
	o.OrderRequest, o.State, o.SubmittedAt = *req, arena.OrderPending, e.now
	lat := e.latency(m, o)
	o.DueAt = e.now.Add(lat)
	if lat == 0 {
		return e.arrive(lo).order
	}
	o.Priority = e.nextOp()
	lo = &liveOrder{order: *o, acct: a, m: m, busy: 1}
	a.live[o.OrderID] = lo
	e.emitOrder(&lo.order)
	e.pushPending(pendingOp{due: o.DueAt, seq: o.Priority, lo: lo})
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
	if best, ok := opp.best(); ok && !opp.better(o.Price, best.price) { // the venue's book, as post-only
		return e.cfg.TakerLatency
	}
	return e.cfg.MakerLatency
}

// arrive executes lo at the engine against the book as it stands and
// returns where the order now lives (a resting copy of an inline order).
func (e *Exchange) arrive(lo *liveOrder) *liveOrder {
	qty, reason := e.admit(lo)
	if reason != "" {
		return e.reject(lo, reason)
	}
	taken, rest, reason := e.match(lo, qty)
	if reason != "" {
		return e.reject(lo, reason)
	}
	e.commitWalk(lo)
	e.afterFills(lo, taken > 0)
	return e.conclude(lo, rest)
}

// admit checks lo against what it meets at the engine (a fresh book, a
// position to close or reduce, an exit plan valid at the mark) and returns
// how much of it may execute now, or why it is rejected.
func (e *Exchange) admit(lo *liveOrder) (arena.Fixed, string) {
	o, m := &lo.order, lo.m
	if lo.acct.halted != "" {
		return 0, lo.acct.halted
	}
	if reason := e.staleReason(m); reason != "" {
		return 0, reason
	}
	p := &lo.acct.slots[m.idx].pos
	if o.ClosePosition {
		if p.Quantity == 0 {
			return 0, fmt.Sprintf("no open %s position to close", m.spec.Symbol)
		}
		o.Side, o.Quantity = p.Side.Opposite(), p.Quantity
	}
	qty := o.Remaining()
	if o.ReduceOnly {
		if p.Quantity == 0 || p.Side == o.Side {
			return 0, "reduce-only order would not reduce a position"
		}
		qty = min(qty, p.Quantity)
	}
	if !o.ExitPlan.IsZero() && (p.Quantity == 0 || p.Side == o.Side || qty > p.Quantity) {
		if err := e.checkPlan(p, m, o.Side, addedPlan(p, o.Side, o.ExitPlan)); err != nil {
			return 0, arena.ErrorMessage(err)
		}
	}
	return qty, ""
}

// match works out lo's taker fills for qty (none for post-only), prices
// them, and checks the margin for them and for the remainder that would
// rest. Nothing changes but the slippage generator.
func (e *Exchange) match(lo *liveOrder, qty arena.Fixed) (taken, rest arena.Fixed, reason string) {
	o, m := &lo.order, lo.m
	pr := e.startFills(m, o, &lo.acct.slots[m.idx].pos, arena.Taker)
	if o.TimeInForce == arena.PostOnly {
		// Judged against the venue's book as displayed: size our own takers
		// consumed is still there on the venue, so a price through it would
		// take liquidity there.
		opp := m.book.opposite(o.Side)
		if best, ok := opp.best(); ok && !opp.better(o.Price, best.price) {
			return 0, 0, fmt.Sprintf("post-only order at %s would take liquidity at %s", o.Price, best.price)
		}
	} else {
		limit := arena.Fixed(0)
		if o.Type == arena.OrderLimit {
			limit = o.Price
		}
		taken = e.walk(m, o.Side, qty, limit, &pr)
	}
	if why := e.ledgerCheck(lo.acct, &lo.acct.slots[m.idx].pos); why != "" {
		return 0, 0, e.halt(lo.acct, why)
	}
	if o.Type == arena.OrderLimit && o.TimeInForce != arena.IOC {
		rest = o.Remaining() - taken
	}
	if !o.ReduceOnly {
		if before, after, opens := e.projectMargin(lo, rest); opens && after < 0 {
			return 0, 0, fmt.Sprintf("insufficient margin: the order needs %s USDT of margin and fees, %s is available",
				before-after, max(before, 0))
		}
	}
	return taken, rest, ""
}

// conclude settles an executed order: filled, resting, or ended with the
// remainder cancelled (rejected when nothing filled at all).
func (e *Exchange) conclude(lo *liveOrder, rest arena.Fixed) *liveOrder {
	o := &lo.order
	switch {
	case o.Remaining() == 0:
		o.State = arena.OrderFilled
	case rest > 0:
		lo = e.rest(lo)
		lo.order.Through = throughVenue(lo.m, &lo.order)
		e.emitOrder(&lo.order)
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
		if plan := addedPlan(p, o.Side, o.ExitPlan); attach && !o.ExitPlan.IsZero() && p.Side == o.Side && tightenOnly(p, plan) == nil {
			p.ExitPlan = plan
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
	if lo != &e.inline { // an order executed on submission was never live
		delete(a.live, lo.order.OrderID)
	}
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
