package llm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/decision"
	"github.com/autonome-go/autonome/worker/internal/indicators"
)

// buyAndHoldBTC buys BTC once with (nearly) all its equity at 1x and holds
// it. Its stop sits 50% below the entry, a catastrophe stop only.
func buyAndHoldBTC(in *Input, _ *rand.Rand, note *strings.Builder) []decision.Call {
	const sym = arena.Symbol("BTC")
	if p, ok := decision.PositionIn(&in.Account, sym); ok {
		fmt.Fprintf(note, "Holding %s BTC bought at %s.", p.Quantity, p.EntryPrice)
		return nil
	}
	price := in.Prices[sym]
	stop := roundPrice(in, sym, price.Float64()*0.5)
	qty := sizeFor(in, sym, price, stop, arena.One, arena.One)
	if qty == 0 {
		note.WriteString("No BTC price or no room to buy; waiting.")
		return nil
	}
	fmt.Fprintf(note, "Buying %s BTC at about %s and holding it.", qty, price)
	return []decision.Call{openCall(openArgs{Symbol: sym, Side: arena.Long, Quantity: qty, Leverage: arena.One, StopLoss: stop,
		ProfitTarget: roundPrice(in, sym, price.Float64()*10), Invalidation: "none: buy and hold", Confidence: 100})}
}

// alwaysFlat never holds a position: the zero line of the leaderboard.
func alwaysFlat(in *Input, _ *rand.Rand, note *strings.Builder) []decision.Call {
	var syms []arena.Symbol
	for _, p := range in.Account.Positions {
		if p.Quantity > 0 {
			syms = append(syms, p.Symbol)
		}
	}
	if len(syms) == 0 {
		note.WriteString("Flat by design.")
		return nil
	}
	fmt.Fprintf(note, "Flat by design; closing %v.", syms)
	return []decision.Call{closeCall(syms...)}
}

func usable(vs ...float64) bool {
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

func markets(in *Input) []indicators.Market {
	if in.Market == nil {
		return nil
	}
	return in.Market.Markets
}

// share is the fraction of the account's room a baseline gives one market.
func share(in *Input) arena.Fixed {
	n := max(len(in.Markets), 1)
	return arena.One.Div(arena.FixedInt(int64(n)))
}

// momentum follows the 4-hour trend when the 5-minute RSI agrees: long above
// a 4-hour EMA20 with positive MACD, short below with negative MACD; it exits
// when the signal goes away or flips. Stops are 2 × the 4-hour ATR14, targets
// twice as far.
func momentum(in *Input, _ *rand.Rand, note *strings.Builder) []decision.Call {
	var calls []decision.Call
	for _, m := range markets(in) {
		h, i := m.HigherTF.Latest, m.Intraday.Latest
		if !usable(h.Close, h.EMA20, h.MACD, h.ATR14, i.RSI14) {
			fmt.Fprintf(note, "%s: not enough bars. ", m.Symbol)
			continue
		}
		var signal arena.Side
		switch {
		case h.Close > h.EMA20 && h.MACD > 0 && i.RSI14 > 50:
			signal = arena.Long
		case h.Close < h.EMA20 && h.MACD < 0 && i.RSI14 < 50:
			signal = arena.Short
		}
		calls = append(calls, follow(in, m.Symbol, signal, 2*h.ATR14, 2, "", note)...)
	}
	return calls
}

// meanReversion fades 5-minute moves stretched more than 1.5 ATR14 from the
// EMA20 with RSI7 at an extreme, targets the EMA20, and exits once the price
// is back at the mean or RSI14 crosses 50.
func meanReversion(in *Input, _ *rand.Rand, note *strings.Builder) []decision.Call {
	var calls []decision.Call
	for _, m := range markets(in) {
		i := m.Intraday.Latest
		if !usable(i.Close, i.EMA20, i.ATR14, i.RSI7, i.RSI14) || i.ATR14 <= 0 {
			fmt.Fprintf(note, "%s: not enough bars. ", m.Symbol)
			continue
		}
		if p, ok := decision.PositionIn(&in.Account, m.Symbol); ok {
			back := p.Side == arena.Long && (i.Close >= i.EMA20 || i.RSI14 >= 50) || p.Side == arena.Short && (i.Close <= i.EMA20 || i.RSI14 <= 50)
			if back {
				fmt.Fprintf(note, "%s: back at the mean; closing. ", m.Symbol)
				calls = append(calls, closeCall(m.Symbol))
			}
			continue
		}
		z := (i.Close - i.EMA20) / i.ATR14
		var side arena.Side
		switch {
		case i.RSI7 < 25 && z < -1.5:
			side = arena.Long
		case i.RSI7 > 75 && z > 1.5:
			side = arena.Short
		default:
			continue
		}
		price := in.Prices[m.Symbol]
		stop := roundPrice(in, m.Symbol, price.Float64()-sign(side)*1.5*i.ATR14)
		target := roundPrice(in, m.Symbol, i.EMA20)
		if c, ok := open(in, m.Symbol, side, price, stop, target, 55, "4h"); ok {
			fmt.Fprintf(note, "%s: stretched %.1f ATR from ema20 with rsi_7 %.0f; fading %s. ", m.Symbol, z, i.RSI7, side)
			calls = append(calls, c)
		}
	}
	return calls
}

// randomTrader opens and closes positions at random (seeded): the luck line
// every model should beat.
func randomTrader(in *Input, rng *rand.Rand, note *strings.Builder) []decision.Call {
	var calls []decision.Call
	for _, m := range in.Markets {
		sym := m.Symbol
		if _, ok := decision.PositionIn(&in.Account, sym); ok {
			if rng.Float64() < 0.2 {
				fmt.Fprintf(note, "%s: coin says close. ", sym)
				calls = append(calls, closeCall(sym))
			}
			continue
		}
		if rng.Float64() >= 0.15 {
			continue
		}
		side := arena.Long
		if rng.IntN(2) == 1 {
			side = arena.Short
		}
		price := in.Prices[sym]
		dist := price.Float64() * (0.005 + 0.015*rng.Float64())
		f := price.Float64() - sign(side)*dist
		stop, target := roundPrice(in, sym, f), roundPrice(in, sym, price.Float64()+sign(side)*2*dist)
		if c, ok := open(in, sym, side, price, stop, target, 50, ""); ok {
			fmt.Fprintf(note, "%s: coin says %s. ", sym, side)
			calls = append(calls, c)
		}
	}
	return calls
}

// follow holds, closes or opens sym to match signal (empty: no position).
func follow(in *Input, sym arena.Symbol, signal arena.Side, stopDist, rr float64, timeExit string, note *strings.Builder) []decision.Call {
	if p, ok := decision.PositionIn(&in.Account, sym); ok {
		if p.Side == signal {
			fmt.Fprintf(note, "%s: %s trend intact; holding. ", sym, signal)
			return nil
		}
		fmt.Fprintf(note, "%s: trend over; closing the %s. ", sym, p.Side)
		return []decision.Call{closeCall(sym)}
	}
	if signal == "" {
		return nil
	}
	price := in.Prices[sym]
	stop := roundPrice(in, sym, price.Float64()-sign(signal)*stopDist)
	target := roundPrice(in, sym, price.Float64()+sign(signal)*rr*stopDist)
	c, ok := open(in, sym, signal, price, stop, target, 60, timeExit)
	if ok {
		fmt.Fprintf(note, "%s: trend %s; opening. ", sym, signal)
		return []decision.Call{c}
	}
	return nil
}

// open builds a createPosition call at up to 3x, sized to fit the limits.
func open(in *Input, sym arena.Symbol, side arena.Side, price, stop, target arena.Fixed, confidence float64, timeExit string) (decision.Call, bool) {
	if price <= 0 || stop <= 0 || target <= 0 {
		return decision.Call{}, false
	}
	lev := arena.FixedInt(3).Min(in.Limits.MaxLeverage)
	qty := sizeFor(in, sym, price, stop, lev, share(in))
	if qty == 0 {
		return decision.Call{}, false
	}
	return openCall(openArgs{Symbol: sym, Side: side, Quantity: qty, Leverage: lev, StopLoss: stop, ProfitTarget: target,
		Invalidation: "rule signal reverses", Confidence: confidence, TimeExit: timeExit}), true
}

func sign(s arena.Side) float64 { return float64(s.Sign()) }
