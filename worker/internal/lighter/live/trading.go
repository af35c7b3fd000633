package live

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/lighter/signer"
	"github.com/autonome-go/autonome/worker/internal/lighter/venue"
)

// PlaceOrder places an agent's market order on the venue, bounded at the
// mark ± SlippageBps, waits for the venue's fills (booked into the ledger
// as they arrive) and, once something filled, places the exit plan's stop
// and target as reduce-only trigger orders. A repeated OrderID returns the
// first one's outcome without trading again.
func (a *Account) PlaceOrder(ctx context.Context, req arena.OrderRequest) (arena.Order, error) {
	if req.Type != arena.OrderMarket || req.ReduceOnly || req.ClosePosition || req.Price != 0 {
		return arena.Order{}, arena.Errorf(arena.CodeInvalid, "a live account takes plain market orders only")
	}
	if tr, ok := a.known(req.OrderID); ok {
		return a.await(ctx, tr, req.Quantity)
	}
	if err := a.checkPlan(req.Symbol, req.Side, req.ExitPlan); err != nil {
		return arena.Order{}, err
	}
	o, err := a.send(ctx, req.OrderID, req.Symbol, req.Side, req.Quantity, req.Leverage, false)
	if err == nil && o.Filled > 0 && hasExits(req.ExitPlan) {
		if xerr := a.placeExits(ctx, req.Symbol, req.ExitPlan); xerr != nil {
			o.Reason = "filled, but the exit plan could not be placed on the venue: " + xerr.Error()
		}
	}
	return o, err
}

// ClosePosition closes the ledger's whole position in sym with a
// reduce-only market order, after cancelling its exit orders.
func (a *Account) ClosePosition(ctx context.Context, orderID string, sym arena.Symbol) (arena.Order, error) {
	if tr, ok := a.known(orderID); ok {
		return a.await(ctx, tr, 0)
	}
	p, ok, err := a.position(sym)
	if err != nil {
		return arena.Order{}, err
	}
	if !ok {
		return arena.Order{State: arena.OrderRejected, Reason: "no open position"},
			arena.Errorf(arena.CodeRejected, "no open %s position to close", sym)
	}
	a.cancelExits(ctx, sym)
	return a.send(ctx, orderID, sym, p.Side.Opposite(), p.Quantity, 0, true)
}

// UpdateExitPlan replaces the position's stop and target orders on the
// venue. A plan with an invalidation price or a time exit is refused (see
// checkPlan).
func (a *Account) UpdateExitPlan(ctx context.Context, sym arena.Symbol, plan arena.ExitPlan) (arena.Position, error) {
	p, ok, err := a.position(sym)
	if err != nil {
		return arena.Position{}, err
	}
	if !ok {
		return arena.Position{}, arena.Errorf(arena.CodeNotFound, "no open %s position", sym)
	}
	if err := a.checkPlan(sym, p.Side, plan); err != nil {
		return arena.Position{}, err
	}
	a.cancelExits(ctx, sym)
	if err := a.placeExits(ctx, sym, plan); err != nil {
		return arena.Position{}, err
	}
	p.ExitPlan = plan
	return p.Position, nil
}

func hasExits(p arena.ExitPlan) bool { return p.Stop > 0 || p.Target > 0 }

// checkPlan refuses a stop or target on the wrong side of the mark for a
// position of side s: on the venue it would trigger at once. It also
// refuses an invalidation price or a time exit: they are not venue orders,
// and nothing in the worker would close a live position on them, so
// accepting them would promise an exit that never happens.
func (a *Account) checkPlan(sym arena.Symbol, s arena.Side, p arena.ExitPlan) error {
	if p.InvalidationPrice > 0 || !p.TimeExit.IsZero() {
		return arena.Errorf(arena.CodeInvalid, "a live account does not enforce invalidation prices or time exits: "+
			"omit them and use the stop (a venue stop-loss order) instead")
	}
	if !hasExits(p) {
		return nil
	}
	mark, err := a.mark(sym)
	if err != nil {
		return err
	}
	long := s == arena.Long
	if p.Stop > 0 && (p.Stop >= mark) == long {
		return arena.Errorf(arena.CodeInvalid, "stop %s is on the wrong side of the mark %s for a %s position", p.Stop, mark, s)
	}
	if p.Target > 0 && (p.Target <= mark) == long {
		return arena.Errorf(arena.CodeInvalid, "target %s is on the wrong side of the mark %s for a %s position", p.Target, mark, s)
	}
	return nil
}

func (a *Account) known(id string) (*tracked, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	tr, ok := a.orders[id]
	return tr, ok
}

func (a *Account) position(sym arena.Symbol) (arena.PositionSnapshot, bool, error) {
	snap, err := a.ledger.Snapshot(a.cfg.ModelID)
	if err != nil {
		return arena.PositionSnapshot{}, false, err
	}
	for _, p := range snap.Positions {
		if p.Symbol == sym && p.Quantity > 0 {
			return p, true, nil
		}
	}
	return arena.PositionSnapshot{}, false, nil
}

func (a *Account) mark(sym arena.Symbol) (arena.Fixed, error) {
	for _, p := range a.ledger.Prices() {
		if p.Symbol == sym && p.Price > 0 {
			return p.Price, nil
		}
	}
	return 0, arena.Errorf(arena.CodeUnavailable, "no price for %s yet", sym)
}

// bound is the worst price a taker order of side s accepts around ref.
func (a *Account) bound(ref arena.Fixed, s arena.Side) arena.Fixed {
	room := ref.Mul(a.cfg.SlippageBps).Div(arena.FixedInt(10_000))
	if s == arena.Long {
		return ref + room
	}
	return ref - room
}

// send places one market order (tracked before it is sent, so fills that
// arrive first are attributed) and waits for its fills.
func (a *Account) send(ctx context.Context, id string, sym arena.Symbol, side arena.Side, qty, lev arena.Fixed,
	reduce bool) (arena.Order, error) {
	mark, err := a.mark(sym)
	if err != nil {
		return arena.Order{}, err
	}
	tr := &tracked{id: id, client: a.trader.NewClientIndex(), symbol: sym, side: side, leverage: lev}
	a.track(tr)
	placed, err := a.trader.Place(ctx, Order{Symbol: sym, Sell: side == arena.Short, Type: signer.OrderMarket, Size: qty,
		Price: a.bound(mark, side), ReduceOnly: reduce, Leverage: wholeLeverage(lev), ClientIndex: tr.client})
	if err != nil {
		if !definite(err) {
			return arena.Order{}, arena.WrapError(arena.CodeUnavailable, err, "the venue did not confirm the order; it may still execute")
		}
		a.forget(tr)
		return rejected(id, sym, side, qty, err.Error()), arena.Errorf(arena.CodeRejected, "%s", err)
	}
	if placed.DryRun {
		a.forget(tr)
		reason := "dry run: signed and logged, not sent (LIVE_DRY_RUN)"
		return rejected(id, sym, side, qty, reason), arena.Errorf(arena.CodeRejected, "%s", reason)
	}
	a.mu.Lock()
	tr.size = placed.Size
	a.mu.Unlock()
	return a.await(ctx, tr, qty)
}

// definite reports whether a failed Place certainly sent nothing that
// could execute: a brake, a halt, a misfit order or the venue's refusal.
func definite(err error) bool {
	var api *venue.APIError
	return errors.Is(err, ErrKilled) || errors.Is(err, ErrHalted) || errors.Is(err, ErrBrake) ||
		errors.Is(err, ErrUnknown) || errors.Is(err, ErrInvalid) || errors.As(err, &api)
}

func rejected(id string, sym arena.Symbol, side arena.Side, qty arena.Fixed, reason string) arena.Order {
	return arena.Order{OrderRequest: arena.OrderRequest{OrderID: id, Symbol: sym, Side: side, Type: arena.OrderMarket,
		Quantity: qty}, State: arena.OrderRejected, Reason: reason}
}

func wholeLeverage(l arena.Fixed) int { return max(int(l/arena.FixedInt(1)), 1) }

func (a *Account) track(tr *tracked) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.orders[tr.id] = tr
	a.byClient[tr.client] = tr
}

func (a *Account) forget(tr *tracked) {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.orders, tr.id)
	delete(a.byClient, tr.client)
}

// await waits for tr's fills: all of them, or what came within FillWait
// (the rest of an immediate-or-cancel order is cancelled by the venue).
func (a *Account) await(ctx context.Context, tr *tracked, requested arena.Fixed) (arena.Order, error) {
	timer := time.NewTimer(a.cfg.FillWait)
	defer timer.Stop()
	for {
		a.mu.Lock()
		size, filled, o, ch := tr.size, tr.filled, tr.order, a.changed
		a.mu.Unlock()
		if size > 0 && filled >= size {
			o.Quantity = max(requested, filled)
			if filled < requested {
				o.State, o.Reason = arena.OrderCancelled, "remainder below the venue's lot size"
			}
			return o, nil
		}
		select {
		case <-ch:
			continue
		case <-ctx.Done():
			return o, arena.WrapError(arena.CodeTimeout, ctx.Err(), "the order was sent; its fills are still being booked")
		case <-timer.C:
		}
		if filled == 0 {
			return arena.Order{}, arena.Errorf(arena.CodeUnavailable,
				"sent to the venue, no fill seen within %s (a late fill is still booked when the venue reports it)", a.cfg.FillWait)
		}
		o.Quantity, o.State, o.Reason = max(requested, size), arena.OrderCancelled, "remainder not filled on the venue"
		return o, nil
	}
}

// placeExits places the plan's stop and target for the whole position as
// reduce-only trigger orders, each with SlippageBps of room past its trigger.
func (a *Account) placeExits(ctx context.Context, sym arena.Symbol, plan arena.ExitPlan) error {
	p, ok, err := a.position(sym)
	if err != nil || !ok {
		return err
	}
	exit := p.Side.Opposite()
	var errs []error
	for _, x := range []struct {
		trig    arena.Fixed
		typ     uint8
		trigger arena.CloseTrigger
	}{{plan.Stop, signer.OrderStopLoss, arena.TriggerStop}, {plan.Target, signer.OrderTakeProfit, arena.TriggerTarget}} {
		if x.trig <= 0 {
			continue
		}
		client := a.trader.NewClientIndex()
		tr := &tracked{id: exitID(sym, x.trigger, client), client: client, symbol: sym, side: exit, trigger: x.trigger, resting: true}
		a.track(tr)
		placed, err := a.trader.Place(ctx, Order{Symbol: sym, Sell: exit == arena.Short, Type: x.typ, Size: p.Quantity,
			Price: a.bound(x.trig, exit), Trigger: x.trig, ReduceOnly: true, ClientIndex: tr.client})
		if err != nil || placed.DryRun {
			a.forget(tr)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", x.trigger, err))
			}
			continue
		}
		a.mu.Lock()
		tr.size = placed.Size
		a.mu.Unlock()
	}
	return errors.Join(errs...)
}

// cancelExits cancels sym's resting exit orders on the venue.
func (a *Account) cancelExits(ctx context.Context, sym arena.Symbol) {
	a.mu.Lock()
	var open []*tracked
	for _, tr := range a.orders {
		if tr.resting && tr.symbol == sym {
			tr.resting = false
			open = append(open, tr)
		}
	}
	a.mu.Unlock()
	for _, tr := range open {
		if err := a.trader.Cancel(ctx, sym, tr.client); err != nil {
			a.cfg.Log.Warn("lighter: cancel exit order", "model", a.cfg.Label, "symbol", sym, "client_order_index", tr.client, "err", err)
		}
	}
}

// afterExit cancels the other exit orders once a stop or target has closed
// the position (one cancels the other).
func (a *Account) afterExit(ctx context.Context, sym arena.Symbol) {
	if _, open, err := a.position(sym); err == nil && !open {
		a.cancelExits(ctx, sym)
	}
}
