package exchange

import (
	"math/bits"
	"slices"

	"github.com/autonome-go/autonome/shared/arena"
)

// walkFill is one fill of the order being executed: the book level it
// takes from (-1 for a maker fill, whose caller consumes the book), the
// price and quantity, and its amounts, computed once by price() and used
// both by the margin projection and by the booking.
type walkFill struct {
	idx      int
	price    arena.Fixed
	qty      arena.Fixed
	notional arena.Fixed
	fee      arena.Fixed
	realized arena.Fixed
	closing  bool // reduces the current position; otherwise opens
}

// price splits the fill that crosses zero (if any) into its closing and
// opening parts, computes every fill's amounts against position p, and
// totals them in e.closing and e.opening.
func (e *Exchange) price(m *market, o *arena.Order, p *arena.Position, liq arena.Liquidity) {
	e.closing, e.opening = sums{}, sums{}
	rate := m.feeRate(liq)
	closable := arena.Fixed(0)
	if p.Quantity > 0 && p.Side != o.Side {
		closable = p.Quantity
	}
	for i := 0; i < len(e.walked); i++ {
		f := &e.walked[i]
		if closable > 0 {
			if f.qty > closable {
				open := *f
				open.qty -= closable
				f.qty = closable
				e.walked = slices.Insert(e.walked, i+1, open)
				f = &e.walked[i]
			}
			f.closing = true
			closable -= f.qty
		}
		f.notional = mul(f.price, f.qty)
		f.fee = mul(f.notional, rate)
		if !f.closing {
			e.opening.add(f)
			continue
		}
		f.realized = mul(f.price-p.EntryPrice, f.qty)
		if p.Side == arena.Short {
			f.realized = -f.realized
		}
		e.closing.add(f)
	}
}

// project returns what p becomes after the priced fills, and the cash change.
func (e *Exchange) project(m *market, o *arena.Order, p arena.Position) (arena.Position, arena.Fixed) {
	closing, opening := e.closing, e.opening
	if closing.qty > 0 {
		reduceBy(&p, &closing)
		if p.Quantity == 0 {
			p = arena.Position{}
		}
	}
	if opening.qty > 0 {
		if p.Quantity == 0 {
			p = e.newPosition(m, o)
		}
		increaseBy(&p, &opening, orderLeverage(o))
	}
	return p, closing.realized - closing.fees - opening.fees
}

// book applies the priced fills of o to a's position in m and records them:
// closing fills, the closed position if it closed, then opening fills.
func (e *Exchange) book(a *account, m *market, o *arena.Order, liq arena.Liquidity) {
	if len(e.walked) == 0 {
		return
	}
	p := &a.slots[m.idx].pos
	closing, opening := e.closing, e.opening
	if closing.qty > 0 {
		for i := range e.walked {
			if f := &e.walked[i]; f.closing {
				a.book(f.realized, f.fee)
				e.recordFill(a, m, o, p.ID, f, liq)
			}
		}
		reduceBy(p, &closing)
		if p.Quantity == 0 {
			e.closePosition(p, o.Trigger)
			*p = arena.Position{}
		}
	}
	if opening.qty > 0 {
		if p.Quantity == 0 {
			*p = e.newPosition(m, o)
		}
		for i := range e.walked {
			if f := &e.walked[i]; !f.closing {
				a.book(0, f.fee)
				e.recordFill(a, m, o, p.ID, f, liq)
			}
		}
		increaseBy(p, &opening, orderLeverage(o))
	}
	closing.merge(&opening)
	o.AvgPrice = avgWith(o.AvgPrice, o.Filled, &closing)
	o.Filled += closing.qty
	o.Fees += closing.fees
}

func (s *sums) merge(t *sums) {
	var c uint64
	s.pqLo, c = bits.Add64(s.pqLo, t.pqLo, 0)
	s.pqHi += t.pqHi + c
	s.qty += t.qty
	s.notional += t.notional
	s.fees += t.fees
	s.realized += t.realized
}

func orderLeverage(o *arena.Order) arena.Fixed {
	if o.Leverage == 0 {
		return arena.One
	}
	return o.Leverage
}

// recordFill appends the fill's record in place (it is the hot path's
// biggest write).
func (e *Exchange) recordFill(a *account, m *market, o *arena.Order, posID string, f *walkFill, liq arena.Liquidity) {
	e.batch.Fills = append(e.batch.Fills, arena.Fill{})
	r := &e.batch.Fills[len(e.batch.Fills)-1]
	r.Seq, r.Time = e.nextSeq(), e.now
	r.AccountID, r.OrderID, r.PositionID = a.id, o.OrderID, posID
	r.Symbol, r.Side = m.spec.Symbol, o.Side
	r.Price, r.Quantity, r.Notional, r.Fee, r.RealizedPnL = f.price, f.qty, f.notional, f.fee, f.realized
	r.Liquidity, r.Trigger, r.CashAfter = liq, o.Trigger, a.cash
}

// newPosition starts the position order o opens.
func (e *Exchange) newPosition(m *market, o *arena.Order) arena.Position {
	id := o.PositionID
	if id == "" {
		id = o.OrderID
	}
	return arena.Position{
		ID: id, AccountID: o.AccountID, Symbol: m.spec.Symbol, Side: o.Side,
		Status: arena.PositionOpen, OpenedAt: e.now,
	}
}

// closePosition records p as closed by trig; the caller clears it.
func (e *Exchange) closePosition(p *arena.Position, trig arena.CloseTrigger) {
	p.Status = arena.PositionClosed
	p.CloseTrigger = trig
	p.ClosedAt = e.now
	e.emitPosition(p)
}
