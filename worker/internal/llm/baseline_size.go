package llm

import (
	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/decision"
)

// openArgs are createPosition arguments for one decision.
type openArgs struct {
	Symbol       arena.Symbol `json:"symbol"`
	Side         arena.Side   `json:"side"`
	Quantity     arena.Fixed  `json:"quantity"`
	Leverage     arena.Fixed  `json:"leverage"`
	ProfitTarget arena.Fixed  `json:"profit_target"`
	StopLoss     arena.Fixed  `json:"stop_loss"`
	Invalidation string       `json:"invalidation_condition"`
	Confidence   float64      `json:"confidence"`
	TimeExit     string       `json:"time_exit,omitempty"`
}

func openCall(a openArgs) decision.Call {
	return decision.Call{Name: decision.NameCreatePosition, Arguments: mustJSON(map[string][]openArgs{"decisions": {a}})}
}

func closeCall(syms ...arena.Symbol) decision.Call {
	return decision.Call{Name: decision.NameClosePosition, Arguments: mustJSON(map[string][]arena.Symbol{"symbols": syms})}
}

// sizeFor returns the largest quantity of sym, times fraction (0–1], that
// respects every limit given the stop and leverage — so a baseline's orders
// pass the checks by construction rather than by being cut down — floored
// to the lot size; 0 when even the minimum size does not fit.
func sizeFor(in *Input, sym arena.Symbol, price, stop, lev arena.Fixed, fraction arena.Fixed) arena.Fixed {
	m, err := arena.MarketBySymbol(in.Markets, sym)
	equity := in.Account.Equity
	dist := (price - stop).Abs()
	if err != nil || equity <= 0 || price <= 0 || dist <= 0 || lev <= 0 {
		return 0
	}
	pct := func(p arena.Fixed) arena.Fixed { return equity.Mul(p).Div(arena.FixedInt(100)) }
	held := arena.Fixed(0)
	if p, ok := decision.PositionIn(&in.Account, sym); ok {
		held = p.Quantity
	}
	byRisk := pct(in.Limits.MaxRiskPerTradePct).Div(dist) - held
	byGross := (pct(in.Limits.MaxGrossExposurePct) - decision.GrossExposure(&in.Account)).Div(price)
	byCash := (in.Account.Available - in.Limits.MinFreeCash).Mul(lev).Div(price)
	q := byRisk.Min(byGross).Min(byCash).Mul(fraction).FloorTo(m.LotSize)
	if q < m.MinSize {
		return 0
	}
	return q
}

// roundPrice rounds a computed stop or target to the market's tick.
func roundPrice(in *Input, sym arena.Symbol, v float64) arena.Fixed {
	f, err := arena.FixedFromFloat(v)
	if err != nil || f <= 0 {
		return 0
	}
	if m, err := arena.MarketBySymbol(in.Markets, sym); err == nil {
		return f.RoundTo(m.TickSize)
	}
	return f
}
