package exchange

import (
	"math"
	"math/bits"

	"github.com/autonome-go/autonome/shared/arena"
)

// Position arithmetic. The fills of one order are booked in aggregate: the
// closing fills (all before any opening fill, since a walk never turns
// around) reduce the position, then the opening fills open or increase it.
// Per-fill amounts (notional, fee, realized PnL) are rounded once each, and
// the averages (entry, exit) and the margin change once per order from
// exact 128-bit sums, so the same fills always give the same position to
// the last unit and a position restored from its persisted fields
// continues exactly.

// sums accumulates the fills of one side of an order.
type sums struct {
	qty      arena.Fixed
	pqHi     uint64 // Σ price × qty, exact, in 1e-16 units
	pqLo     uint64
	notional arena.Fixed // Σ rounded fill notionals
	fees     arena.Fixed
	realized arena.Fixed
	overflow bool // a sum left the int64 range: the fills cannot be booked
}

func (s *sums) add(f *walkFill) {
	hi, lo := bits.Mul64(uint64(f.price), uint64(f.qty))
	var c uint64
	s.pqLo, c = bits.Add64(s.pqLo, lo, 0)
	s.pqHi += hi + c
	s.qty += f.qty
	var err1, err2, err3 error
	s.notional, err1 = s.notional.AddChecked(f.notional)
	s.fees, err2 = s.fees.AddChecked(f.fee)
	s.realized, err3 = s.realized.AddChecked(f.realized)
	s.overflow = s.overflow || err1 != nil || err2 != nil || err3 != nil
}

// reduceBy takes the closing fills in s off p. Margin is released pro rata,
// all of it when the position closes.
func reduceBy(p *arena.Position, s *sums) {
	if s.qty == p.Quantity {
		p.Margin = 0
	} else {
		p.Margin -= mulDiv(p.Margin, s.qty, p.Quantity)
	}
	p.ExitPrice = avgWith(p.ExitPrice, p.ClosedQuantity, s)
	p.ClosedQuantity += s.qty
	p.Quantity -= s.qty
	p.RealizedPnL += s.realized
	p.Fees += s.fees
}

// increaseBy adds the opening fills in s to p (flat or on their side),
// holding notional / lev of margin for them.
func increaseBy(p *arena.Position, s *sums, lev arena.Fixed) {
	p.EntryPrice = avgWith(p.EntryPrice, p.Quantity, s)
	p.Quantity += s.qty
	p.Margin += s.notional.Div(lev)
	p.Fees += s.fees
}

// avgWith returns (avg × qty + Σ price×qty) / (qty + Σ qty) with one rounding.
func avgWith(avg, qty arena.Fixed, s *sums) arena.Fixed {
	hi, lo := bits.Mul64(uint64(avg), uint64(qty))
	lo, c := bits.Add64(lo, s.pqLo, 0)
	hi += s.pqHi + c
	return div128(hi, lo, uint64(qty+s.qty))
}

// leverage is the effective leverage: entry notional / margin (0 when it
// cannot be expressed, e.g. for a restored position with a tiny margin).
func leverage(p *arena.Position) arena.Fixed {
	if p.Quantity <= 0 || p.Margin <= 0 {
		return 0
	}
	hi, lo := bits.Mul64(uint64(p.EntryPrice), uint64(p.Quantity))
	if hi >= uint64(p.Margin)/2 {
		return 0
	}
	return div128(hi, lo, uint64(p.Margin)).RoundTo(leverageStep)
}

// leverageStep is the precision of the derived leverage (the "Orders"
// table's numeric(10,2)).
const leverageStep = arena.Fixed(arena.FixedScale / 100)

// unrealized is p's PnL at mark.
func unrealized(p *arena.Position, mark arena.Fixed) arena.Fixed {
	if p.Quantity == 0 || mark == 0 {
		return 0
	}
	return mulSat(mark-p.EntryPrice, p.Signed())
}

// mulDiv returns a×b/c with one rounding, for non-negative a, b and positive c.
func mulDiv(a, b, c arena.Fixed) arena.Fixed {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	return div128(hi, lo, uint64(c))
}

// div128 divides (hi, lo) by d rounding half up; the callers' quotients are
// bounded by their inputs, so overflow is a bug and panics.
func div128(hi, lo, d uint64) arena.Fixed {
	if hi >= d {
		panic("exchange: 128-bit quotient overflows")
	}
	q, r := bits.Div64(hi, lo, d)
	if r >= d-r {
		q++
	}
	if q > math.MaxInt64 {
		panic("exchange: quotient overflows")
	}
	return arena.Fixed(q)
}

// mul is arena.Fixed.Mul (rounding half away from zero) with a fast path:
// when the 128-bit product fits in 64 bits the division by the constant
// scale compiles to a multiplication instead of a hardware divide.
func mul(a, b arena.Fixed) arena.Fixed {
	neg := (a < 0) != (b < 0)
	hi, lo := bits.Mul64(absU(a), absU(b))
	if hi != 0 || lo > math.MaxUint64-arena.FixedScale/2 {
		return a.Mul(b)
	}
	q := arena.Fixed((lo + arena.FixedScale/2) / arena.FixedScale)
	if neg {
		return -q
	}
	return q
}

func absU(f arena.Fixed) uint64 {
	if f < 0 {
		return uint64(-f)
	}
	return uint64(f)
}

// fitsProduct reports whether a×b (both ≥ 0) is representable, without
// dividing: the product must stay below 2^63 × scale = 5e7 × 2^64.
func fitsProduct(a, b arena.Fixed) bool {
	hi, _ := bits.Mul64(uint64(a), uint64(b))
	return hi < arena.FixedScale/2-1
}

// satLimit bounds valuation products (about 1e9 USDT), far beyond any real
// amount, so that a nonsensical feed price cannot overflow a sum.
const satLimit = arena.Fixed(100_000_000_000_000_000)

// mulSat multiplies for valuation (marks come from the feed), clamping to
// ±satLimit instead of overflowing.
func mulSat(a, b arena.Fixed) arena.Fixed {
	if hi, lo := bits.Mul64(absU(a), absU(b)); hi == 0 && lo <= math.MaxUint64-arena.FixedScale/2 {
		return mul(a, b) // the common case, without a hardware divide
	}
	r, err := a.MulChecked(b)
	if err != nil || r > satLimit || r < -satLimit {
		if (a < 0) != (b < 0) {
			return -satLimit
		}
		return satLimit
	}
	return r
}
