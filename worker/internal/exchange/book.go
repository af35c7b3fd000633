package exchange

import (
	"github.com/autonome-go/autonome/shared/arena"
)

// level is one price level of the venue's book. used is the part of size our
// takers have consumed since the venue last updated the level; it stays
// unavailable to everyone until then.
type level struct {
	price arena.Fixed
	size  arena.Fixed
	used  arena.Fixed
}

func (l *level) available() arena.Fixed { return l.size - l.used }

// bookSide is one side of an L2 book, sorted from worst to best so that the
// frequent changes at the top of the book move nothing.
type bookSide struct {
	levels []level
	bid    bool // bids ascend (best = highest = last); asks descend
}

// better reports whether price a is better than price b on this side.
func (s *bookSide) better(a, b arena.Fixed) bool {
	if s.bid {
		return a > b
	}
	return a < b
}

// search returns the index of price, or where it would be inserted.
func (s *bookSide) search(price arena.Fixed) (int, bool) {
	lo, hi := 0, len(s.levels)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if s.better(price, s.levels[mid].price) {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo, lo < len(s.levels) && s.levels[lo].price == price
}

// set applies one level of a delta: size is absolute, 0 deletes. Touching a
// level resets its consumption.
func (s *bookSide) set(price, size arena.Fixed) {
	i, found := s.search(price)
	switch {
	case found && size == 0:
		s.levels = append(s.levels[:i], s.levels[i+1:]...)
	case found:
		s.levels[i] = level{price: price, size: size}
	case size != 0:
		s.levels = append(s.levels, level{})
		copy(s.levels[i+1:], s.levels[i:])
		s.levels[i] = level{price: price, size: size}
	}
}

// replace loads a snapshot given best first.
func (s *bookSide) replace(lv []arena.Level) {
	s.levels = s.levels[:0]
	for i := len(lv) - 1; i >= 0; i-- {
		if lv[i].Size != 0 {
			s.levels = append(s.levels, level{price: lv[i].Price, size: lv[i].Size})
		}
	}
}

// best returns the best displayed level.
func (s *bookSide) best() (level, bool) {
	if len(s.levels) == 0 {
		return level{}, false
	}
	return s.levels[len(s.levels)-1], true
}

// bestAvailable returns the best price with size not yet consumed.
func (s *bookSide) bestAvailable() (arena.Fixed, bool) {
	for i := len(s.levels) - 1; i >= 0; i-- {
		if s.levels[i].available() > 0 {
			return s.levels[i].price, true
		}
	}
	return 0, false
}

// sizeAt returns the displayed size at price (0 when absent).
func (s *bookSide) sizeAt(price arena.Fixed) arena.Fixed {
	if i, ok := s.search(price); ok {
		return s.levels[i].size
	}
	return 0
}

// book is the venue's L2 book of one market.
type book struct {
	bids bookSide
	asks bookSide
}

func newBook(depth int) book {
	return book{
		bids: bookSide{levels: make([]level, 0, depth), bid: true},
		asks: bookSide{levels: make([]level, 0, depth)},
	}
}

// opposite returns the side an order of side s takes from.
func (b *book) opposite(s arena.Side) *bookSide {
	if s == arena.Long {
		return &b.asks
	}
	return &b.bids
}

// same returns the side an order of side s rests on.
func (b *book) same(s arena.Side) *bookSide {
	if s == arena.Long {
		return &b.bids
	}
	return &b.asks
}

// mid is the midpoint of the best displayed bid and ask.
func (b *book) mid() (arena.Fixed, bool) {
	bid, okB := b.bids.best()
	ask, okA := b.asks.best()
	if !okB || !okA {
		return 0, false
	}
	return (bid.price + ask.price) / 2, true
}

// validateLevels checks a feed message's levels; snapshots must list each
// side best first with distinct prices.
func validateLevels(lv []arena.Level, bid, snapshot bool) error {
	for i, l := range lv {
		if l.Price <= 0 || l.Price > maxFeedPrice || l.Size < 0 {
			return arena.Errorf(arena.CodeInvalid, "book level %s × %s: price must be positive and size not negative", l.Price, l.Size)
		}
		if snapshot && i > 0 {
			prev := lv[i-1].Price
			if (bid && l.Price >= prev) || (!bid && l.Price <= prev) {
				return arena.Errorf(arena.CodeInvalid, "book snapshot levels not sorted best first at %s", l.Price)
			}
		}
	}
	return nil
}
