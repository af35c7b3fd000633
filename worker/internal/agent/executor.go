package agent

import (
	"context"
	"errors"
	"log/slog"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/decision"
)

// executor carries out one decision's checked intents on the simulator.
// Client order ids are derived from the account, the cycle slot, the
// attempt and the symbol, so a repeated intent can never trade twice.
type executor struct {
	trader  Trader
	fills   FillReader
	log     *slog.Logger
	account string
	tag     string // unique per (slot, attempt) of the account

	// touched is set once an intent may have changed the account, so a
	// failed turn is not run again (which could trade twice).
	touched bool
}

// execute runs one validated intent (Execute adds its span).
func (e *executor) execute(ctx context.Context, in decision.Intent) (decision.Outcome, error) {
	switch in.Kind {
	case decision.IntentOpen:
		return e.open(ctx, in)
	case decision.IntentClose:
		return e.close(ctx, in)
	case decision.IntentUpdateExitPlan:
		return e.updateExitPlan(ctx, in)
	}
	return decision.Outcome{}, arena.Errorf(arena.CodeInvalid, "unknown intent %q", in.Kind)
}

func (e *executor) orderID(kind string, sym arena.Symbol) string {
	return e.tag + "-" + kind + "-" + string(sym)
}

func (e *executor) open(ctx context.Context, in decision.Intent) (decision.Outcome, error) {
	id := e.orderID("open", in.Symbol)
	o, err := e.trader.PlaceOrder(ctx, arena.OrderRequest{AccountID: e.account, OrderID: id, PositionID: e.account + ":" + id,
		Symbol: in.Symbol, Side: in.Side, Type: arena.OrderMarket, Quantity: in.Quantity, Leverage: in.Leverage, ExitPlan: in.ExitPlan})
	if err := e.settled(o, err); err != nil {
		return decision.Outcome{}, err
	}
	out := decision.Outcome{FillPrice: o.AvgPrice, Quantity: o.Filled, Message: partial(o)}
	out.Account = e.fresh()
	return out, nil
}

func (e *executor) close(ctx context.Context, in decision.Intent) (decision.Outcome, error) {
	id := e.orderID("close", in.Symbol)
	before, _ := e.trader.Snapshot(e.account)
	o, err := e.trader.ClosePosition(ctx, e.account, id, in.Symbol)
	if err := e.settled(o, err); err != nil {
		return decision.Outcome{}, err
	}
	out := decision.Outcome{FillPrice: o.AvgPrice, Quantity: o.Filled, Message: partial(o)}
	out.RealizedPnL = e.realized(ctx, o, before)
	out.Account = e.fresh()
	return out, nil
}

func (e *executor) updateExitPlan(ctx context.Context, in decision.Intent) (decision.Outcome, error) {
	p, err := e.trader.UpdateExitPlan(ctx, e.account, in.Symbol, in.ExitPlan)
	if err != nil {
		e.touched = e.touched || uncertain(err)
		return decision.Outcome{}, err
	}
	e.touched = true
	return decision.Outcome{Quantity: p.Quantity, Account: e.fresh()}, nil
}

// settled turns an order's end state into an error unless something filled.
func (e *executor) settled(o arena.Order, err error) error {
	if err != nil {
		e.touched = e.touched || uncertain(err) || o.Filled > 0
		if o.State == arena.OrderRejected && arena.ErrorCode(err) == arena.CodeRejected {
			return arena.Errorf(arena.CodeRejected, "order rejected: %s", o.Reason)
		}
		return err
	}
	switch {
	case o.Filled > 0:
		e.touched = true
		return nil
	case o.State == arena.OrderRejected:
		return arena.Errorf(arena.CodeRejected, "order rejected: %s", o.Reason)
	case o.State.Final():
		return arena.Errorf(arena.CodeRejected, "order not filled: %s", orDefault(o.Reason, "no liquidity"))
	}
	e.touched = true // resting or pending: it may still fill
	return arena.Errorf(arena.CodeUnavailable, "the market order did not complete (state %s)", o.State)
}

// uncertain reports whether a failed call may still have changed the
// account: it timed out or the simulator failed in an unknown way.
func uncertain(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return true
	}
	switch arena.ErrorCode(err) {
	case arena.CodeInvalid, arena.CodeNotFound, arena.CodeConflict, arena.CodeRejected:
		return false
	}
	return true
}

// realized is the realized PnL of a closing order: Σ (realized − fee) of
// its fills, as the ledger recorded them, plus the order's fees. Should the
// ledger be unreadable, it is estimated from the average prices.
func (e *executor) realized(ctx context.Context, o arena.Order, before arena.AccountSnapshot) arena.Fixed {
	fills, err := e.fills.OrderFills(ctx, e.account, o.OrderID)
	if err == nil && len(fills) > 0 {
		sum := o.Fees
		for _, f := range fills {
			sum += f.Amount
		}
		return sum
	}
	e.log.Warn("realized PnL estimated: ledger fills unavailable", "account", e.account, "order", o.OrderID, "err", err)
	for _, p := range before.Positions {
		if p.Symbol == o.Symbol && p.Quantity > 0 {
			return (o.AvgPrice - p.EntryPrice).Mul(o.Filled).MulInt(p.Side.Sign())
		}
	}
	return 0
}

// fresh returns the account as it stands now, for the session's next checks.
func (e *executor) fresh() *arena.AccountSnapshot {
	a, err := e.trader.Snapshot(e.account)
	if err != nil {
		return nil
	}
	return &a
}

func partial(o arena.Order) string {
	if o.Partial() {
		return "Partially filled " + o.Filled.String() + " of " + o.Quantity.String() + ": " + orDefault(o.Reason, "the book ran out")
	}
	return ""
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
