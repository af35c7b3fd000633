package jobs

import (
	"context"
	"errors"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/commands"
)

// placeOrder executes the API's simulator.placeOrder on the simulator. The
// client order id is the exchange's idempotency key, so a command run twice
// trades once and answers with the first result.
func (j *Jobs) placeOrder(ctx context.Context, p commands.PlaceOrder) (commands.PlaceOrderResult, error) {
	req := arena.OrderRequest{AccountID: p.AccountID, OrderID: p.ClientOrderID, PositionID: p.AccountID + ":" + p.ClientOrderID,
		Symbol: arena.NormalizeSymbol(string(p.Symbol)), Side: p.Side, Type: p.Type, Quantity: p.Quantity, Price: p.LimitPrice,
		Leverage: p.Leverage}
	if p.Confidence != nil {
		req.ExitPlan.Confidence = *p.Confidence / 100
	}
	o, err := j.o.Trader.PlaceOrder(ctx, req)
	if err != nil {
		if arena.ErrorCode(err) != arena.CodeRejected {
			f, ferr := commandFailure(err)
			return commands.PlaceOrderResult{Failure: f}, ferr
		}
		if o.State != arena.OrderRejected { // refused before it was recorded
			o = arena.Order{OrderRequest: req, State: arena.OrderRejected, Reason: arena.ErrorMessage(err),
				SubmittedAt: j.now().UTC(), UpdatedAt: j.now().UTC()}
		}
	}
	res := orderResult(o)
	if o.Filled > 0 {
		fills, err := j.o.Store.OrderFills(ctx, p.AccountID, p.ClientOrderID)
		if err != nil {
			return commands.PlaceOrderResult{}, err
		}
		res.Fills, res.RealizedPnL = fillsOf(fills, o, marketOf(j.o.Trader.Markets(), o.Symbol))
	}
	return commands.PlaceOrderResult{Order: &res}, nil
}

// commandFailure sorts an error into what the caller is told (a coded
// Failure) and what is an internal failure (an error).
func commandFailure(err error) (*commands.Failure, error) {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return &commands.Failure{Code: arena.CodeTimeout,
			Message: "the simulator did not finish in time; the command may still execute: send it again with the same id to get its result"}, nil
	}
	switch code := arena.ErrorCode(err); code {
	case arena.CodeInternal:
		return nil, err
	default:
		return &commands.Failure{Code: code, Message: arena.ErrorMessage(err)}, nil
	}
}

func orderResult(o arena.Order) commands.OrderResult {
	return commands.OrderResult{ClientOrderID: o.OrderID, AccountID: o.AccountID, Symbol: o.Symbol, Side: o.Side, Type: o.Type,
		Status: o.State, Quantity: o.Quantity, FilledQuantity: o.Filled, AveragePrice: o.AvgPrice, Fees: o.Fees, Reason: o.Reason,
		Fills: []commands.Fill{}, SubmittedAt: o.SubmittedAt, UpdatedAt: o.UpdatedAt}
}

func marketOf(ms []arena.Market, sym arena.Symbol) arena.Market {
	m, _ := arena.MarketBySymbol(ms, sym)
	return m
}

// fillsOf rebuilds an order's fills from its ledger entries, which hold
// each fill's quantity, price and cash (realized PnL − fee). Each fill's
// fee is its notional at the market's taker or maker rate, exactly as the
// exchange charges it: the fills are all taker, all maker, or (a limit
// order that took liquidity and then rested) taker then maker, whichever
// adds up to the order's fees. The realized PnL is Σ cash + Σ fees.
func fillsOf(entries []arena.LedgerFill, o arena.Order, m arena.Market) ([]commands.Fill, arena.Fixed) {
	realized := o.Fees
	for _, e := range entries {
		realized += e.Amount
	}
	taker, maker := m.TakerFeeBps/10_000, m.MakerFeeBps/10_000
	fee := func(e arena.LedgerFill, rate arena.Fixed) arena.Fixed { return e.Price.Mul(e.Quantity).Mul(rate) }
	// split k: fills before k are taker, from k on maker.
	for k := len(entries); k >= 0; k-- {
		var sum arena.Fixed
		for i, e := range entries {
			sum += fee(e, pick(i < k, taker, maker))
		}
		if sum != o.Fees {
			continue
		}
		out := make([]commands.Fill, len(entries))
		for i, e := range entries {
			liq := pick(i < k, arena.Taker, arena.Maker)
			out[i] = commands.Fill{Quantity: e.Quantity, Price: e.Price, Fee: fee(e, pick(i < k, taker, maker)), Liquidity: liq, Time: e.At}
		}
		return out, realized
	}
	// No split matches (fees changed meanwhile): share the order's fees by
	// notional, the last fill taking the rounding.
	out := make([]commands.Fill, len(entries))
	var notional, left = arena.Fixed(0), o.Fees
	for _, e := range entries {
		notional += e.Price.Mul(e.Quantity)
	}
	for i, e := range entries {
		f := left
		if i < len(entries)-1 && notional > 0 {
			f = o.Fees.Mul(e.Price.Mul(e.Quantity)).Div(notional)
		}
		left -= f
		out[i] = commands.Fill{Quantity: e.Quantity, Price: e.Price, Fee: f, Time: e.At}
	}
	return out, realized
}

func pick[T any](cond bool, a, b T) T {
	if cond {
		return a
	}
	return b
}

// resetAccount executes the API's simulator.resetAccount: positions are
// discarded, live orders cancelled, cash back to the starting capital and
// the ledger starts a new epoch.
func (j *Jobs) resetAccount(ctx context.Context, r commands.ResetAccount) (commands.ResetAccountResult, error) {
	trader := j.o.Trader
	before, err := trader.Snapshot(r.AccountID)
	if err != nil {
		f, ferr := commandFailure(err)
		return commands.ResetAccountResult{Failure: f}, ferr
	}
	positions := 0
	for _, p := range before.Positions {
		if p.Quantity > 0 {
			positions++
		}
	}
	if err := trader.ResetAccount(ctx, r.AccountID); err != nil {
		f, ferr := commandFailure(err)
		return commands.ResetAccountResult{Failure: f}, ferr
	}
	after, err := trader.Snapshot(r.AccountID)
	if err != nil {
		return commands.ResetAccountResult{}, err
	}
	epoch, err := j.o.Store.AccountEpoch(ctx, r.AccountID)
	if err != nil {
		return commands.ResetAccountResult{}, err
	}
	return commands.ResetAccountResult{Reset: &commands.ResetOutcome{AccountID: r.AccountID, Capital: after.Cash, Epoch: epoch,
		ClosedPositions: positions, CancelledOrders: len(before.Orders), ResetAt: j.now().UTC()}}, nil
}
