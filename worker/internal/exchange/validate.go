package exchange

import (
	"github.com/autonome-go/autonome/shared/arena"
)

// maxOrderIDLen bounds client order ids (they become database keys).
const maxOrderIDLen = 128

// validate checks everything about req that does not depend on the state of
// the book or the account, normalising defaults (GTC, the shape of a
// close). Its errors are CodeInvalid and nothing is recorded.
func (e *Exchange) validate(r *arena.OrderRequest) (*account, *market, error) {
	a, err := e.account(r.AccountID)
	if err != nil {
		return nil, nil, err
	}
	if r.OrderID == "" || len(r.OrderID) > maxOrderIDLen {
		return nil, nil, arena.Errorf(arena.CodeInvalid, "order id must have 1 to %d characters", maxOrderIDLen)
	}
	m, err := e.market(r.Symbol)
	if err != nil {
		return nil, nil, err
	}
	if r.ClosePosition {
		return a, m, validateClose(r)
	}
	if err := validateShape(r, m); err != nil {
		return nil, nil, err
	}
	if err := validateSize(r, m); err != nil {
		return nil, nil, err
	}
	if !r.ExitPlan.IsZero() {
		if r.ReduceOnly {
			return nil, nil, arena.Errorf(arena.CodeInvalid, "a reduce-only order cannot carry an exit plan")
		}
		if err := r.ExitPlan.Validate(); err != nil {
			return nil, nil, err
		}
	}
	return a, m, nil
}

func validateClose(r *arena.OrderRequest) error {
	if (r.Type != "" && r.Type != arena.OrderMarket) || r.Price != 0 || r.TimeInForce != "" || !r.ExitPlan.IsZero() {
		return arena.Errorf(arena.CodeInvalid, "a close-position order is a plain market order")
	}
	r.Type, r.ReduceOnly, r.Side, r.Quantity, r.Leverage, r.PositionID = arena.OrderMarket, true, "", 0, 0, ""
	return nil
}

func validateShape(r *arena.OrderRequest, m *market) error {
	if !r.Side.Valid() {
		return arena.Errorf(arena.CodeInvalid, "side %q is not LONG or SHORT", string(r.Side))
	}
	switch r.Type {
	case arena.OrderMarket:
		if r.Price != 0 || r.TimeInForce != "" {
			return arena.Errorf(arena.CodeInvalid, "a market order takes no price or time in force")
		}
	case arena.OrderLimit:
		if r.TimeInForce == "" {
			r.TimeInForce = arena.GTC
		}
		switch r.TimeInForce {
		case arena.GTC, arena.IOC, arena.PostOnly:
		default:
			return arena.Errorf(arena.CodeInvalid, "time in force %q is not GTC, IOC or POST_ONLY", string(r.TimeInForce))
		}
		if r.Price <= 0 || r.Price > maxFeedPrice {
			return arena.Errorf(arena.CodeInvalid, "limit price %s must be positive", r.Price)
		}
		if !r.Price.IsMultipleOf(m.spec.TickSize) {
			return arena.Errorf(arena.CodeInvalid, "price %s is not a multiple of the %s tick size %s", r.Price, m.spec.Symbol, m.spec.TickSize)
		}
	default:
		return arena.Errorf(arena.CodeInvalid, "order type %q is not MARKET or LIMIT", string(r.Type))
	}
	return nil
}

func validateSize(r *arena.OrderRequest, m *market) error {
	switch {
	case r.Quantity <= 0:
		return arena.Errorf(arena.CodeInvalid, "quantity %s must be positive", r.Quantity)
	case r.Quantity < m.spec.MinSize:
		return arena.Errorf(arena.CodeInvalid, "quantity %s is below the %s minimum size %s", r.Quantity, m.spec.Symbol, m.spec.MinSize)
	case !r.Quantity.IsMultipleOf(m.spec.LotSize):
		return arena.Errorf(arena.CodeInvalid, "quantity %s is not a multiple of the %s lot size %s", r.Quantity, m.spec.Symbol, m.spec.LotSize)
	case r.Leverage < 0 || (r.Leverage != 0 && (r.Leverage < arena.One || r.Leverage > m.maxLev)):
		return arena.Errorf(arena.CodeInvalid, "leverage %s is outside 1 to %s for %s", r.Leverage, m.maxLev, m.spec.Symbol)
	}
	if !fitsProduct(r.Quantity, max(r.Price, m.mark, arena.One)) {
		return arena.Errorf(arena.CodeInvalid, "order of %s %s is too large", r.Quantity, m.spec.Symbol)
	}
	return nil
}
