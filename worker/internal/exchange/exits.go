package exchange

import (
	"strconv"
	"strings"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

// UpdateExitPlan replaces the exit plan of the account's position in sym.
// Stops may only be tightened (LONG: raised, SHORT: lowered) and never
// removed; a stop, target or invalidation price on the wrong side of the
// current mark, or a time exit not in the future, is rejected.
func (e *Exchange) UpdateExitPlan(now time.Time, accountID string, sym arena.Symbol, plan arena.ExitPlan) (arena.Position, error) {
	e.mu.Lock()
	defer e.unlock() // publishes what advancing the clock did, on every return path
	if e.cfg.Journal != nil {
		planc := plan
		e.journal(&Input{Kind: InputExitPlan, Time: now, AccountID: accountID, Symbol: sym, Plan: &planc})
	}
	e.tick(now)
	a, err := e.account(accountID)
	if err != nil {
		return arena.Position{}, err
	}
	m, err := e.market(sym)
	if err != nil {
		return arena.Position{}, err
	}
	if err := plan.Validate(); err != nil {
		return arena.Position{}, err
	}
	p := &a.slots[m.idx].pos
	if p.Quantity == 0 {
		return arena.Position{}, arena.Errorf(arena.CodeRejected, "no open %s position", sym)
	}
	if reason := e.staleReason(m); reason != "" {
		return arena.Position{}, arena.Errorf(arena.CodeRejected, "%s", reason)
	}
	if err := e.checkPlan(p, m, p.Side, plan); err != nil {
		return arena.Position{}, err
	}
	p.ExitPlan = plan
	e.emitPosition(p)
	e.syncTriggers(a, m.idx)
	out := *p
	e.flush()
	return out, nil
}

// checkPlan validates plan for a position on side in m at the current mark;
// p is the account's current position there (tighten-only applies when it
// is on the same side).
func (e *Exchange) checkPlan(p *arena.Position, m *market, side arena.Side, plan arena.ExitPlan) error {
	mark := m.mark
	if mark == 0 {
		return arena.Errorf(arena.CodeRejected, "no mark price for %s yet", m.spec.Symbol)
	}
	long := side == arena.Long
	below, above := "below", "above"
	if !long {
		below, above = above, below
	}
	// strictly below the mark for a LONG, above for a SHORT (and the
	// reverse for targets)
	wrongSide := func(price arena.Fixed, stopLike bool) bool {
		if price == 0 {
			return false
		}
		if long == stopLike {
			return price >= mark
		}
		return price <= mark
	}
	switch {
	case wrongSide(plan.Stop, true):
		return arena.Errorf(arena.CodeRejected, "a %s stop (%s) must be %s the mark (%s)", side, plan.Stop, below, mark)
	case wrongSide(plan.InvalidationPrice, true):
		return arena.Errorf(arena.CodeRejected, "a %s invalidation price (%s) must be %s the mark (%s)", side, plan.InvalidationPrice, below, mark)
	case wrongSide(plan.Target, false):
		return arena.Errorf(arena.CodeRejected, "a %s target (%s) must be %s the mark (%s)", side, plan.Target, above, mark)
	case !plan.TimeExit.IsZero() && !plan.TimeExit.After(e.now):
		return arena.Errorf(arena.CodeRejected, "the time exit %s is not in the future", plan.TimeExit.UTC().Format(time.RFC3339))
	}
	if p.Quantity > 0 && p.Side == side {
		return tightenOnly(p, plan)
	}
	return nil
}

// addedPlan is the plan an order with plan leaves on p when it adds to it
// (same side): what the order sets, and the position's own plan for what it
// leaves unset, so adding with only a confidence keeps the stop and target.
// For a new or flipped position it is the order's plan.
func addedPlan(p *arena.Position, side arena.Side, plan arena.ExitPlan) arena.ExitPlan {
	if p.Quantity == 0 || p.Side != side {
		return plan
	}
	old := p.ExitPlan
	if plan.Stop == 0 {
		plan.Stop = old.Stop
	}
	if plan.Target == 0 {
		plan.Target = old.Target
	}
	if plan.Invalidation == "" {
		plan.Invalidation = old.Invalidation
	}
	if plan.InvalidationPrice == 0 {
		plan.InvalidationPrice = old.InvalidationPrice
	}
	if plan.TimeExit.IsZero() {
		plan.TimeExit = old.TimeExit
	}
	if plan.Confidence == 0 {
		plan.Confidence = old.Confidence
	}
	return plan
}

// tightenOnly rejects a plan that would widen or remove p's stop.
func tightenOnly(p *arena.Position, plan arena.ExitPlan) error {
	old := p.ExitPlan.Stop
	switch {
	case old == 0:
		return nil
	case plan.Stop == 0:
		return arena.Errorf(arena.CodeRejected, "the stop at %s cannot be removed, only tightened", old)
	case p.Side == arena.Long && plan.Stop < old:
		return arena.Errorf(arena.CodeRejected, "stop %s would widen the LONG stop at %s; a stop may only be raised", plan.Stop, old)
	case p.Side == arena.Short && plan.Stop > old:
		return arena.Errorf(arena.CodeRejected, "stop %s would widen the SHORT stop at %s; a stop may only be lowered", plan.Stop, old)
	}
	return nil
}

// exitTrigger says which part of p's plan, if any, holds at mark and now, in
// priority order: stop, invalidation, target, time.
func exitTrigger(p *arena.Position, mark arena.Fixed, now time.Time) arena.CloseTrigger {
	plan := &p.ExitPlan
	long := p.Side == arena.Long
	reached := func(price arena.Fixed, fromAbove bool) bool {
		if price == 0 || mark == 0 {
			return false
		}
		if fromAbove {
			return mark <= price
		}
		return mark >= price
	}
	switch {
	case reached(plan.Stop, long):
		return arena.TriggerStop
	case reached(plan.InvalidationPrice, long):
		return arena.TriggerInvalidation
	case reached(plan.Target, !long):
		return arena.TriggerTarget
	case !plan.TimeExit.IsZero() && !now.Before(plan.TimeExit):
		return arena.TriggerTime
	}
	return arena.TriggerNone
}

// evaluateExit closes a's position in m if its plan says so, then brings
// its triggers up to date (a partly closed position keeps them, so the
// close is retried on the next book update).
func (e *Exchange) evaluateExit(a *account, m *market) {
	p := &a.slots[m.idx].pos
	if p.Quantity > 0 && e.fresh(m) {
		if trig := exitTrigger(p, m.mark, e.now); trig != arena.TriggerNone {
			e.autoClose(a, m, trig)
		}
	}
	e.syncTriggers(a, m.idx)
}

// autoClose closes a's whole position in m at market on the exchange's own
// initiative (no latency, no margin check) and returns the order.
func (e *Exchange) autoClose(a *account, m *market, trig arena.CloseTrigger) arena.Order {
	p := &a.slots[m.idx].pos
	lo := &e.auto
	*lo = liveOrder{acct: a, m: m, system: true, order: arena.Order{
		OrderRequest: arena.OrderRequest{
			AccountID: a.id, OrderID: systemOrderID(p.ID, trig, e.recordSeq+1), Symbol: m.spec.Symbol,
			Type: arena.OrderMarket, ReduceOnly: true, ClosePosition: true,
		},
		State: arena.OrderPending, Trigger: trig, SubmittedAt: e.now, DueAt: e.now,
	}}
	e.arrive(lo)
	return lo.order
}

// systemOrderID names an order the exchange places: position/trigger/seq.
func systemOrderID(posID string, trig arena.CloseTrigger, seq uint64) string {
	return posID + "/" + strings.ToLower(string(trig)) + "/" + strconv.FormatUint(seq, 10)
}
