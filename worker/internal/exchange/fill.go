package exchange

import (
	"math/bits"
	"slices"
	"strconv"
	"unsafe"

	"github.com/autonome-go/autonome/shared/arena"
)

// walkFill is one fill of the order being executed: the book level it
// takes from (-1 for a maker fill, whose caller consumes the book), the
// price and quantity, and its amounts, computed once by addFill and used
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

// pricer prices the fills of one order against the position it meets.
type pricer struct {
	rate     arena.Fixed // fee fraction
	closable arena.Fixed // position still to reduce before the order opens
	entry    arena.Fixed
	short    bool // the position reduced is a short
}

// startFills empties the fill scratch for an order of side o.Side meeting
// position p with liquidity liq.
func (e *Exchange) startFills(m *market, o *arena.Order, p *arena.Position, liq arena.Liquidity) pricer {
	e.walked = e.walked[:0]
	e.closing, e.opening = sums{}, sums{}
	pr := pricer{rate: m.feeRate(liq)}
	if p.Quantity > 0 && p.Side != o.Side {
		pr.closable, pr.entry, pr.short = p.Quantity, p.EntryPrice, p.Side == arena.Short
	}
	return pr
}

// addFill prices a fill of qty at price from book level idx, splitting it
// where it crosses zero into a closing and an opening part, and totals it
// in e.closing or e.opening.
func (e *Exchange) addFill(pr *pricer, idx int, price, qty arena.Fixed) {
	if pr.closable > 0 {
		c := min(qty, pr.closable)
		pr.closable -= c
		f := walkFill{idx: idx, price: price, qty: c, closing: true}
		f.notional = mul(price, c)
		f.fee = mul(f.notional, pr.rate)
		f.realized = mul(price-pr.entry, c)
		if pr.short {
			f.realized = -f.realized
		}
		e.walked = append(e.walked, f)
		e.closing.add(&f)
		if qty -= c; qty == 0 {
			return
		}
	}
	f := walkFill{idx: idx, price: price, qty: qty}
	f.notional = mul(price, qty)
	f.fee = mul(f.notional, pr.rate)
	e.walked = append(e.walked, f)
	e.opening.add(&f)
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
		if p.Quantity == 0 { // a projection: no id needed
			p = arena.Position{AccountID: o.AccountID, Symbol: m.spec.Symbol, Side: o.Side, Status: arena.PositionOpen, OpenedAt: e.now}
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
	fills := slices.Grow(e.batch.Fills, 1)
	n := len(fills)
	fills = fills[:n+1]
	fills[n] = arena.Fill{
		Seq: e.nextSeq(), Time: e.now,
		AccountID: a.id, OrderID: o.OrderID, PositionID: posID, Symbol: m.spec.Symbol, Side: o.Side,
		Price: f.price, Quantity: f.qty, Notional: f.notional, Fee: f.fee, RealizedPnL: f.realized,
		Liquidity: liq, Trigger: o.Trigger, CashAfter: a.cash,
	}
	e.batch.Fills = fills
}

// newPosition starts the position order o opens. Its id is the order's
// (or the requested position id) with the record sequence it opens at: an
// order that opens a position again later (a resting order filling after
// its position was closed) never reuses a closed position's row, and record
// sequences never go back across restarts.
func (e *Exchange) newPosition(m *market, o *arena.Order) arena.Position {
	return arena.Position{
		ID: positionID(o, e.recordSeq+1), AccountID: o.AccountID, Symbol: m.spec.Symbol, Side: o.Side,
		Status: arena.PositionOpen, OpenedAt: e.now,
	}
}

// positionID is "<account>:<order id>#<seq>", or "<position id>#<seq>" when
// the order names its position: unique across accounts and over time, in
// one allocation.
func positionID(o *arena.Order, seq uint64) string {
	b := make([]byte, 0, len(o.AccountID)+len(o.OrderID)+len(o.PositionID)+22)
	if o.PositionID != "" {
		b = append(b, o.PositionID...)
	} else {
		b = append(append(append(b, o.AccountID...), ':'), o.OrderID...)
	}
	b = strconv.AppendUint(append(b, '#'), seq, 10)
	return unsafe.String(unsafe.SliceData(b), len(b)) // b is never written again
}

// closePosition records p as closed by trig; the caller clears it.
func (e *Exchange) closePosition(p *arena.Position, trig arena.CloseTrigger) {
	p.Status = arena.PositionClosed
	p.CloseTrigger = trig
	p.ClosedAt = e.now
	e.emitPosition(p)
}
