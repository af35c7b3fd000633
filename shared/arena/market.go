package arena

import (
	"fmt"
	"strings"
)

// Symbol names a perpetual market by its base asset: "BTC", "ETH", "SOL".
type Symbol string

// NormalizeSymbol upper-cases s and strips a quote suffix ("btcusdt" -> "BTC").
func NormalizeSymbol(s string) Symbol {
	s = strings.ToUpper(strings.TrimSpace(s))
	for _, q := range []string{"-PERP", "USDT", "USDC", "USD", "-", "/"} {
		s = strings.TrimSuffix(s, q)
	}
	return Symbol(s)
}

// Side is the direction of a position or order: LONG buys, SHORT sells.
type Side string

// Sides, spelled as the "OrderSide" database enum spells them.
const (
	Long  Side = "LONG"
	Short Side = "SHORT"
)

// Valid reports whether s is LONG or SHORT.
func (s Side) Valid() bool { return s == Long || s == Short }

// Opposite returns the other side.
func (s Side) Opposite() Side {
	if s == Long {
		return Short
	}
	return Long
}

// Sign is +1 for LONG and -1 for SHORT.
func (s Side) Sign() int64 {
	if s == Short {
		return -1
	}
	return 1
}

// ParseSide accepts long/short/buy/sell in any case.
func ParseSide(v string) (Side, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "long", "buy":
		return Long, nil
	case "short", "sell":
		return Short, nil
	}
	return "", Errorf(CodeInvalid, "side %q is not one of long, short, buy, sell", v)
}

// Market is the static contract specification of one perpetual market.
// Fractions are Fixed ratios (0.05 = 5%); fees are in basis points.
type Market struct {
	Symbol   Symbol `json:"symbol"`
	MarketID int    `json:"marketId"` // the venue's id (Lighter: ETH 0, BTC 1, SOL 2)
	TickSize Fixed  `json:"tickSize"` // smallest price increment
	LotSize  Fixed  `json:"lotSize"`  // smallest quantity increment
	MinSize  Fixed  `json:"minSize"`  // smallest order quantity
	// InitialMarginFraction is the margin an opening order needs per unit of
	// notional at maximum leverage; MaxLeverage = 1/InitialMarginFraction.
	InitialMarginFraction     Fixed `json:"initialMarginFraction"`
	MaintenanceMarginFraction Fixed `json:"maintenanceMarginFraction"`
	MakerFeeBps               Fixed `json:"makerFeeBps"`
	TakerFeeBps               Fixed `json:"takerFeeBps"`
	LiquidationFeeBps         Fixed `json:"liquidationFeeBps"`
}

// MaxLeverage is 1 / InitialMarginFraction.
func (m Market) MaxLeverage() Fixed {
	if m.InitialMarginFraction <= 0 {
		return One
	}
	return One.Div(m.InitialMarginFraction)
}

// Validate checks that the specification is usable.
func (m Market) Validate() error {
	switch {
	case m.Symbol == "":
		return Errorf(CodeInvalid, "market: empty symbol")
	case m.TickSize <= 0 || m.LotSize <= 0 || m.MinSize <= 0:
		return Errorf(CodeInvalid, "market %s: tick, lot and min size must be positive", m.Symbol)
	case m.InitialMarginFraction <= 0 || m.InitialMarginFraction > One:
		return Errorf(CodeInvalid, "market %s: initial margin fraction must be in (0, 1]", m.Symbol)
	case m.MaintenanceMarginFraction <= 0 || m.MaintenanceMarginFraction > m.InitialMarginFraction:
		return Errorf(CodeInvalid, "market %s: maintenance margin fraction must be in (0, initial]", m.Symbol)
	case m.MakerFeeBps < -FixedInt(100) || m.TakerFeeBps < 0 || m.LiquidationFeeBps < 0:
		return Errorf(CodeInvalid, "market %s: fees out of range", m.Symbol)
	}
	return nil
}

// DefaultMarkets returns the markets traded by default, with Lighter's
// published contract parameters: size and price decimals from its market
// table, margin fractions from orderBookDetails (BTC/ETH 50x max, 20x default;
// SOL 25x max), maintenance at 60% of the minimum initial fraction, and the
// premium tier's fees (0.4 bps maker, 2.8 bps taker).
func DefaultMarkets() []Market {
	mk := func(sym Symbol, id int, tick, lot, minSize, imf, mmf string) Market {
		return Market{
			Symbol: sym, MarketID: id,
			TickSize: MustFixed(tick), LotSize: MustFixed(lot), MinSize: MustFixed(minSize),
			InitialMarginFraction: MustFixed(imf), MaintenanceMarginFraction: MustFixed(mmf),
			MakerFeeBps: MustFixed("0.4"), TakerFeeBps: MustFixed("2.8"), LiquidationFeeBps: MustFixed("50"),
		}
	}
	return []Market{
		mk("BTC", 1, "0.1", "0.00001", "0.0002", "0.02", "0.012"),
		mk("ETH", 0, "0.01", "0.0001", "0.005", "0.02", "0.012"),
		mk("SOL", 2, "0.001", "0.001", "0.05", "0.04", "0.024"),
	}
}

// MarketBySymbol finds a market in ms.
func MarketBySymbol(ms []Market, s Symbol) (Market, error) {
	for _, m := range ms {
		if m.Symbol == s {
			return m, nil
		}
	}
	return Market{}, Errorf(CodeInvalid, "unknown symbol %q", string(s))
}

// Symbols lists the symbols of ms in order.
func Symbols(ms []Market) []Symbol {
	out := make([]Symbol, len(ms))
	for i, m := range ms {
		out[i] = m.Symbol
	}
	return out
}

// String implements fmt.Stringer.
func (m Market) String() string { return fmt.Sprintf("%s(#%d)", m.Symbol, m.MarketID) }
