package marketdata

import (
	"cmp"
	"slices"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

// Book is the L2 book of one symbol as a feed describes it: Apply snapshots
// and deltas, read the best levels and the mid. It is a read-side view (for
// prices, candles and tests), not the simulator's matching book. Not safe for
// concurrent use.
type Book struct {
	symbol arena.Symbol
	bids   []arena.Level // best (highest) first
	asks   []arena.Level // best (lowest) first
	seq    uint64
	time   time.Time
	synced bool
}

// NewBook returns an empty book for symbol; it is unsynced until a snapshot.
func NewBook(symbol arena.Symbol) *Book { return &Book{symbol: symbol} }

// Apply applies u. A snapshot replaces the book; a delta sets each listed
// level to its absolute size, deleting it at size 0. A delta before any
// snapshot, a level with a non-positive price or a negative size, or an
// update for another symbol is rejected (arena.CodeInvalid) and changes
// nothing.
func (b *Book) Apply(u arena.BookUpdate) error {
	if u.Symbol != b.symbol {
		return arena.Errorf(arena.CodeInvalid, "book %s: update for %s", b.symbol, u.Symbol)
	}
	if !u.Snapshot && !b.synced {
		return arena.Errorf(arena.CodeInvalid, "book %s: delta before snapshot", b.symbol)
	}
	if err := validLevels(u.Bids); err != nil {
		return arena.WrapError(arena.CodeInvalid, err, "book %s: bad bid", b.symbol)
	}
	if err := validLevels(u.Asks); err != nil {
		return arena.WrapError(arena.CodeInvalid, err, "book %s: bad ask", b.symbol)
	}
	if u.Snapshot {
		b.bids = replaceSide(b.bids[:0], u.Bids, bidOrder)
		b.asks = replaceSide(b.asks[:0], u.Asks, askOrder)
		b.synced = true
	} else {
		for _, l := range u.Bids {
			b.bids = setLevel(b.bids, l, bidOrder)
		}
		for _, l := range u.Asks {
			b.asks = setLevel(b.asks, l, askOrder)
		}
	}
	b.seq, b.time = u.Seq, u.Time
	return nil
}

// Synced reports whether the book has had a snapshot.
func (b *Book) Synced() bool { return b.synced }

// Seq and Time are those of the last update applied.
func (b *Book) Seq() uint64     { return b.seq }
func (b *Book) Time() time.Time { return b.time }

// BestBid returns the highest bid, if any.
func (b *Book) BestBid() (arena.Level, bool) { return first(b.bids) }

// BestAsk returns the lowest ask, if any.
func (b *Book) BestAsk() (arena.Level, bool) { return first(b.asks) }

// Mid returns the average of the best bid and ask (rounded half away from
// zero to 1e-8) when both sides have levels and the book is not crossed.
func (b *Book) Mid() (arena.Fixed, bool) {
	bid, okb := b.BestBid()
	ask, oka := b.BestAsk()
	if !okb || !oka || bid.Price >= ask.Price {
		return 0, false
	}
	return (bid.Price + ask.Price).Div(arena.FixedInt(2)), true
}

// Crossed reports whether the best bid is at or above the best ask.
func (b *Book) Crossed() bool {
	bid, okb := b.BestBid()
	ask, oka := b.BestAsk()
	return okb && oka && bid.Price >= ask.Price
}

// Depth returns the number of bid and ask levels.
func (b *Book) Depth() (bids, asks int) { return len(b.bids), len(b.asks) }

// Snapshot returns the book as a snapshot update with at most depth levels a
// side (all when depth <= 0), in fresh slices.
func (b *Book) Snapshot(depth int) arena.BookUpdate {
	return arena.BookUpdate{
		Symbol: b.symbol, Time: b.time, Seq: b.seq, Snapshot: true,
		Bids: top(b.bids, depth), Asks: top(b.asks, depth),
	}
}

func bidOrder(a, b arena.Fixed) int { return cmp.Compare(b, a) }
func askOrder(a, b arena.Fixed) int { return cmp.Compare(a, b) }

func validLevels(ls []arena.Level) error {
	for _, l := range ls {
		if l.Price <= 0 || l.Size < 0 {
			return arena.Errorf(arena.CodeInvalid, "level %s@%s", l.Size, l.Price)
		}
	}
	return nil
}

func replaceSide(dst, src []arena.Level, order func(a, b arena.Fixed) int) []arena.Level {
	for _, l := range src {
		if l.Size > 0 {
			dst = append(dst, l)
		}
	}
	slices.SortStableFunc(dst, func(x, y arena.Level) int { return order(x.Price, y.Price) })
	// A snapshot listing a price twice keeps the last one listed.
	out := dst[:0]
	for i, l := range dst {
		if i+1 < len(dst) && dst[i+1].Price == l.Price {
			continue
		}
		out = append(out, l)
	}
	return out
}

// setLevel sets (or, at size 0, deletes) one level of a sorted side.
func setLevel(side []arena.Level, l arena.Level, order func(a, b arena.Fixed) int) []arena.Level {
	i, found := slices.BinarySearchFunc(side, l.Price, func(x arena.Level, p arena.Fixed) int { return order(x.Price, p) })
	switch {
	case found && l.Size == 0:
		return slices.Delete(side, i, i+1)
	case found:
		side[i].Size = l.Size
		return side
	case l.Size == 0:
		return side
	}
	return slices.Insert(side, i, l)
}

func first(side []arena.Level) (arena.Level, bool) {
	if len(side) == 0 {
		return arena.Level{}, false
	}
	return side[0], true
}

func top(side []arena.Level, depth int) []arena.Level {
	if depth > 0 && depth < len(side) {
		side = side[:depth]
	}
	return slices.Clone(side)
}
