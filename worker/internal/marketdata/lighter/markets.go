package lighter

import (
	"context"
	"fmt"
	"math"

	"github.com/autonome-go/autonome/shared/arena"
)

// marginScale is the unit of Lighter's margin fractions: 10000 = 100%.
const marginScale = 10_000

// Markets resolves symbols to the venue's markets: ids, tick and lot sizes
// from the price and size decimals, the minimum order size, and margin from
// min_initial_margin_fraction (maximum leverage) and
// maintenance_margin_fraction. Fees come from defaults when it lists the
// symbol (the venue reports the caller's fee tier), else from the venue. A
// symbol the venue does not list as an active perpetual is
// arena.CodeNotFound.
func (c *Client) Markets(ctx context.Context, symbols []arena.Symbol, defaults []arena.Market) ([]arena.Market, error) {
	details, err := c.details(ctx)
	if err != nil {
		return nil, fmt.Errorf("resolve markets: %w", err)
	}
	out := make([]arena.Market, 0, len(symbols))
	for _, sym := range symbols {
		d, ok := findPerp(details, sym)
		if !ok {
			return nil, arena.Errorf(arena.CodeNotFound, "lighter lists no active perpetual %s", sym)
		}
		m, err := marketOf(d, defaults)
		if err != nil {
			return nil, fmt.Errorf("resolve markets: %w", err)
		}
		out = append(out, m)
	}
	return out, nil
}

func findPerp(details []restDetail, sym arena.Symbol) (restDetail, bool) {
	for _, d := range details {
		if arena.NormalizeSymbol(d.Symbol) == sym && (d.MarketType == "" || d.MarketType == "perp") && d.Status == "active" {
			return d, true
		}
	}
	return restDetail{}, false
}

func marketOf(d restDetail, defaults []arena.Market) (arena.Market, error) {
	if d.PriceDecimals < 0 || d.PriceDecimals > arena.FixedDecimals || d.SizeDecimals < 0 || d.SizeDecimals > arena.FixedDecimals {
		return arena.Market{}, arena.Errorf(arena.CodeInvalid, "lighter market %s: decimals %d/%d out of range", d.Symbol, d.PriceDecimals, d.SizeDecimals)
	}
	m := arena.Market{
		Symbol:                    arena.NormalizeSymbol(d.Symbol),
		MarketID:                  int(d.MarketID),
		TickSize:                  pow10Fixed(-d.PriceDecimals),
		LotSize:                   pow10Fixed(-d.SizeDecimals),
		MinSize:                   arena.Fixed(d.MinBaseAmount),
		InitialMarginFraction:     fraction(d.MinInitialMarginFraction),
		MaintenanceMarginFraction: fraction(d.MaintenanceMarginFraction),
		MakerFeeBps:               (d.MakerFee * 100).fixed(),
		TakerFeeBps:               (d.TakerFee * 100).fixed(),
		LiquidationFeeBps:         (d.LiquidationFee * 100).fixed(),
	}
	if def, err := arena.MarketBySymbol(defaults, m.Symbol); err == nil {
		m.MakerFeeBps, m.TakerFeeBps, m.LiquidationFeeBps = def.MakerFeeBps, def.TakerFeeBps, def.LiquidationFeeBps
	}
	if m.MinSize < m.LotSize {
		m.MinSize = m.LotSize
	}
	if err := m.Validate(); err != nil {
		return arena.Market{}, err
	}
	return m, nil
}

func pow10Fixed(exp int) arena.Fixed {
	return arena.Fixed(int64(math.Pow10(arena.FixedDecimals + exp)))
}

func fraction(v int64) arena.Fixed {
	return arena.Fixed(v * (arena.FixedScale / marginScale))
}
