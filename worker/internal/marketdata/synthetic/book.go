package synthetic

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/autonome-go/autonome/shared/arena"
)

// Book shape. A level i places from the touch sits gapBps(i) (± 50%) beyond
// level i-1 and holds about TopNotional·(1 + sizeGrowth·i).
const (
	gapBaseBps   = 0.05
	gapGrowthBps = 0.04
	sizeGrowth   = 0.12
	sizeSigma    = 0.5  // log-normal spread of a new level's size
	resizeSigma  = 0.35 // log-normal spread of a resize
	maxSpread    = 5    // ticks
	churnPerTick = 2.0  // mean resizes/cancels per side per tick
	cancelShare  = 0.15 // share of churn events that cancel the level
	sweepChance  = 0.3  // chance a mid move through a level prints a trade
	tradeSigma   = 1.0  // log-normal spread of trade notionals
)

// side is one side of a synthetic book, best level first. dir is the
// direction away from the mid: -1 for bids, +1 for asks.
type side struct {
	dir    int64
	levels []arena.Level
	prev   []arena.Level // as last sent
}

// ladder builds and evolves one symbol's book on its tick and lot grid.
type ladder struct {
	tick, lot   arena.Fixed
	tickF, lotF float64
	depth       int
	topNotional float64
	bids, asks  side
}

func newLadder(m arena.Market, p Params, depth int) *ladder {
	return &ladder{
		tick: m.TickSize, lot: m.LotSize, tickF: m.TickSize.Float64(), lotF: m.LotSize.Float64(),
		depth: depth, topNotional: p.TopNotional,
		bids: side{dir: -1}, asks: side{dir: 1},
	}
}

func (l *ladder) price(ticks int64) arena.Fixed { return arena.Fixed(ticks) * l.tick }
func (l *ladder) ticks(p arena.Fixed) int64     { return int64(p / l.tick) }

// touchTargets returns the best bid and ask, in ticks, for a mid and a
// spread of k ticks.
func (l *ladder) touchTargets(mid float64, k int64) (bid, ask int64) {
	bid = int64(math.Floor(mid/l.tickF - float64(k)/2))
	return bid, bid + k
}

// spreadTicks draws the spread: 1 tick about half the time, rarely maxSpread.
func spreadTicks(rng *rand.Rand) int64 {
	k := int64(1)
	for k < maxSpread && rng.Float64() < 0.45 {
		k++
	}
	return k
}

// newSize draws the size of a fresh level i places from the touch: whole
// lots, at least one.
func (l *ladder) newSize(rng *rand.Rand, i int, mid float64) arena.Fixed {
	notional := lognormal(rng, l.topNotional*(1+sizeGrowth*float64(i)), sizeSigma)
	return l.lots(notional / mid)
}

func (l *ladder) lots(qty float64) arena.Fixed {
	n := int64(math.Floor(qty / l.lotF))
	return arena.Fixed(max(n, 1)) * l.lot
}

// gapTicks draws the distance, in ticks, from level i-1 to level i.
func (l *ladder) gapTicks(rng *rand.Rand, i int, mid float64) int64 {
	bps := (gapBaseBps + gapGrowthBps*float64(i)) * (0.5 + rng.Float64())
	return max(1, int64(math.Round(mid*bps*1e-4/l.tickF)))
}

// reprice moves the side's touch to target (in ticks): levels on the inside
// of target are removed (quotes fading or swept) and returned, best first,
// and a fresh level joins at target if the touch is now further out.
func (l *ladder) reprice(rng *rand.Rand, s *side, target int64, mid float64) []arena.Level {
	tp := l.price(target)
	n := 0
	for n < len(s.levels) && s.dir*int64(s.levels[n].Price-tp) < 0 {
		n++
	}
	removed := slices.Clone(s.levels[:n])
	s.levels = slices.Delete(s.levels, 0, n)
	l.join(rng, s, target, mid)
	return removed
}

// join puts a fresh level at target (in ticks) when the side's touch is
// further out: makers re-quote the touch after a cancel or a trade.
func (l *ladder) join(rng *rand.Rand, s *side, target int64, mid float64) {
	tp := l.price(target)
	if len(s.levels) == 0 || s.dir*int64(s.levels[0].Price-tp) > 0 {
		s.levels = slices.Insert(s.levels, 0, arena.Level{Price: tp, Size: l.newSize(rng, 0, mid)})
	}
}

// hit takes up to qty from the side's touch at target (in ticks) and returns
// the price and quantity taken. A touch already consumed is replenished with
// a fresh level first, so prints stay at the touch however many arrive in a
// tick instead of walking the book.
func (l *ladder) hit(rng *rand.Rand, s *side, target int64, qty arena.Fixed, mid float64) (price, taken arena.Fixed) {
	l.join(rng, s, target, mid)
	top := &s.levels[0]
	price, taken = top.Price, min(qty, top.Size)
	if top.Size -= taken; top.Size == 0 {
		s.levels = slices.Delete(s.levels, 0, 1)
	}
	return price, taken
}

// churn resizes or cancels a few random levels.
func (l *ladder) churn(rng *rand.Rand, s *side) {
	for range poisson(rng, churnPerTick) {
		if len(s.levels) == 0 {
			return
		}
		i := rng.IntN(len(s.levels))
		if rng.Float64() < cancelShare && len(s.levels) > l.depth/2 {
			s.levels = slices.Delete(s.levels, i, i+1)
			continue
		}
		s.levels[i].Size = l.lots(s.levels[i].Size.Float64() * math.Exp(resizeSigma*rng.NormFloat64()))
	}
}

// refill inserts at most one level into an unusually wide gap near the
// touch, as liquidity returns after a move.
func (l *ladder) refill(rng *rand.Rand, s *side, mid float64) {
	for i := 0; i+1 < len(s.levels) && i < 5; i++ {
		gap := s.dir * int64(s.levels[i+1].Price-s.levels[i].Price) / int64(l.tick)
		expected := max(1, int64(math.Round(mid*(gapBaseBps+gapGrowthBps*float64(i+1))*1e-4/l.tickF)))
		if gap > 3*expected && rng.Float64() < 0.5 {
			at := l.ticks(s.levels[i].Price) + s.dir*(1+rng.Int64N(gap-1))
			s.levels = slices.Insert(s.levels, i+1, arena.Level{Price: l.price(at), Size: l.newSize(rng, i+1, mid)})
			return
		}
	}
}

// fill re-quotes the touch, extends the side to depth levels beyond its
// last and trims the excess.
func (l *ladder) fill(rng *rand.Rand, s *side, mid float64, touch int64) {
	l.join(rng, s, touch, mid)
	for i := len(s.levels); i < l.depth; i++ {
		at := l.ticks(s.levels[i-1].Price) + s.dir*l.gapTicks(rng, i, mid)
		if at <= 0 {
			break // a bid ladder reaching zero: stop short of depth
		}
		s.levels = append(s.levels, arena.Level{Price: l.price(at), Size: l.newSize(rng, i, mid)})
	}
	if len(s.levels) > l.depth {
		s.levels = s.levels[:l.depth]
	}
}

// delta returns the levels that changed since the side was last sent (size
// 0 for removed ones), in side order, and marks the side sent.
func (s *side) delta() []arena.Level {
	var out []arena.Level
	order := func(a, b arena.Fixed) int { return int(s.dir) * cmp.Compare(a, b) }
	i, j := 0, 0
	for i < len(s.prev) || j < len(s.levels) {
		switch {
		case j == len(s.levels) || (i < len(s.prev) && order(s.prev[i].Price, s.levels[j].Price) < 0):
			out = append(out, arena.Level{Price: s.prev[i].Price})
			i++
		case i == len(s.prev) || order(s.prev[i].Price, s.levels[j].Price) > 0:
			out = append(out, s.levels[j])
			j++
		default:
			if s.prev[i].Size != s.levels[j].Size {
				out = append(out, s.levels[j])
			}
			i++
			j++
		}
	}
	s.markSent()
	return out
}

// snapshot returns the whole side in a fresh slice and marks it sent.
func (s *side) snapshot() []arena.Level {
	s.markSent()
	return slices.Clone(s.levels)
}

func (s *side) markSent() { s.prev = append(s.prev[:0], s.levels...) }
