package marketdata

import (
	"context"
	"log/slog"

	"github.com/autonome-go/autonome/shared/arena"
)

// DefaultMaxJump is how far (a fraction) a price may lie from its market's
// reference price: one message, milliseconds after the last, never moves a
// market by a fifth; a garbage tick does.
var DefaultMaxJump = arena.MustFixed("0.2")

// DefaultConfirm is how many refused messages in a row, agreeing with each
// other, move the reference: a real move across a feed outage.
const DefaultConfirm = 5

// GuardOptions configure NewPriceGuard.
type GuardOptions struct {
	MaxJump map[arena.Symbol]arena.Fixed // per market; DefaultMaxJump for the others
	Confirm int                          // DefaultConfirm when 0
	Log     *slog.Logger                 // slog.Default() when nil
}

// PriceGuard passes on to the next sink only prices a market can have, so
// that no amount computed from them (position value, realized PnL) can come
// near the fixed-point range: every book level with size, every trade and
// every mark must lie within the market's MaxJump of its reference price,
// the last price the guard passed (the first message of a market sets it).
// A message with a price outside is refused whole, logged, and not passed
// on. Confirm refused messages in a row that agree with each other (each
// within MaxJump of the one before) are taken as a real move: the last of
// them passes and becomes the reference, with an error logged.
//
// Like any Sink it is called from one goroutine.
type PriceGuard struct {
	next    Sink
	jumps   map[arena.Symbol]arena.Fixed
	confirm int
	log     *slog.Logger
	refs    map[arena.Symbol]*reference
}

type reference struct {
	price   arena.Fixed // the last price passed
	pending arena.Fixed // the last refused price, while a run agrees
	streak  int         // refused messages in a row that agree
}

// NewPriceGuard returns a guard in front of next.
func NewPriceGuard(next Sink, o GuardOptions) *PriceGuard {
	if o.Confirm <= 0 {
		o.Confirm = DefaultConfirm
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	return &PriceGuard{next: next, jumps: o.MaxJump, confirm: o.Confirm, log: o.Log, refs: map[arena.Symbol]*reference{}}
}

// OnBook implements Sink.
func (g *PriceGuard) OnBook(ctx context.Context, u arena.BookUpdate) error {
	price, ok := bookPrice(u)
	if !ok {
		return g.next.OnBook(ctx, u) // removals only
	}
	ref := price // a market's first message is judged against itself
	if r := g.refs[u.Symbol]; r != nil {
		ref = r.price
	}
	worst := price
	for _, side := range [2][]arena.Level{u.Bids, u.Asks} {
		for _, l := range side {
			if l.Size > 0 && farther(l.Price, worst, ref) {
				worst = l.Price
			}
		}
	}
	if !g.admit(u.Symbol, "book", price, worst) {
		return nil
	}
	return g.next.OnBook(ctx, u)
}

// OnTrade implements Sink.
func (g *PriceGuard) OnTrade(ctx context.Context, t arena.TradePrint) error {
	if !g.admit(t.Symbol, "trade", t.Price, t.Price) {
		return nil
	}
	return g.next.OnTrade(ctx, t)
}

// OnStats implements Sink. Stats without a mark pass.
func (g *PriceGuard) OnStats(ctx context.Context, s arena.MarketStats) error {
	if s.MarkPrice != 0 && !g.admit(s.Symbol, "stats", s.MarkPrice, s.MarkPrice) {
		return nil
	}
	return g.next.OnStats(ctx, s)
}

// admit decides on a message whose representative price is price and whose
// price farthest from the reference is worst.
func (g *PriceGuard) admit(sym arena.Symbol, kind string, price, worst arena.Fixed) bool {
	r := g.refs[sym]
	switch {
	case r == nil:
		if price <= 0 || !g.within(sym, worst, price) {
			g.log.Error("market data refused: a price no market can have", "symbol", sym, "kind", kind, "price", worst)
			return false
		}
		g.refs[sym] = &reference{price: price}
		return true
	case worst > 0 && g.within(sym, worst, r.price):
		r.price, r.streak = price, 0
		return true
	}
	if r.streak > 0 && price > 0 && g.within(sym, price, r.pending) {
		r.streak++
	} else {
		r.streak = 1
	}
	r.pending = price
	if r.streak >= g.confirm && price > 0 {
		g.log.Error("market data: the reference price moved after agreeing refused messages", "symbol", sym,
			"from", r.price, "to", price, "messages", r.streak)
		r.price, r.streak = price, 0
		return true
	}
	g.log.Warn("market data refused: price too far from the market's reference", "symbol", sym, "kind", kind,
		"price", worst, "reference", r.price, "maxJump", g.jump(sym))
	return false
}

// within reports whether p lies within the market's jump bound of ref.
func (g *PriceGuard) within(sym arena.Symbol, p, ref arena.Fixed) bool {
	limit, err := ref.MulChecked(g.jump(sym))
	if err != nil {
		return false
	}
	d, err := p.AddChecked(-ref)
	return err == nil && d.Abs() <= limit
}

// farther reports whether p is farther from ref than q.
func farther(p, q, ref arena.Fixed) bool {
	dp, err := p.AddChecked(-ref)
	if err != nil {
		return true
	}
	dq, _ := q.AddChecked(-ref)
	return dp.Abs() > dq.Abs()
}

func (g *PriceGuard) jump(sym arena.Symbol) arena.Fixed {
	if j, ok := g.jumps[sym]; ok {
		return j
	}
	return DefaultMaxJump
}

// bookPrice is the update's representative price: the mid of its best bid
// and ask with size, or the one of them it has.
func bookPrice(u arena.BookUpdate) (arena.Fixed, bool) {
	bid, hasBid := bestLevel(u.Bids, true)
	ask, hasAsk := bestLevel(u.Asks, false)
	switch {
	case hasBid && hasAsk:
		return bid/2 + ask/2, true
	case hasBid:
		return bid, true
	case hasAsk:
		return ask, true
	}
	return 0, false
}

func bestLevel(ls []arena.Level, bid bool) (arena.Fixed, bool) {
	var best arena.Fixed
	found := false
	for _, l := range ls {
		if l.Size <= 0 {
			continue
		}
		if !found || (bid && l.Price > best) || (!bid && l.Price < best) {
			best, found = l.Price, true
		}
	}
	return best, found
}
