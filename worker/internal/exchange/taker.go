package exchange

import (
	"github.com/autonome-go/autonome/shared/arena"
)

// walk works out, without changing anything but the slippage generator,
// how an order of side s for qty would fill against the opposite side of
// m's book, taking only unconsumed size and never a price worse than limit
// (0: no limit). The priced fills go to e.walked; it returns the quantity
// filled.
func (e *Exchange) walk(m *market, s arena.Side, qty, limit arena.Fixed, pr *pricer) arena.Fixed {
	side := m.book.opposite(s)
	rem := qty
	for i := len(side.levels) - 1; i >= 0 && rem > 0; i-- {
		lv := &side.levels[i]
		if limit != 0 && side.better(limit, lv.price) {
			break
		}
		avail := lv.available()
		if avail <= 0 {
			continue
		}
		take, price := min(rem, avail), lv.price
		if e.cfg.SlippageBps != 0 {
			price = e.slip(price, s, limit)
		}
		if !fitsProduct(price, take) {
			break // a nonsensical level; treat the book as ending here
		}
		e.addFill(pr, i, price, take)
		rem -= take
	}
	return qty - rem
}

// slip moves a taker fill price against the taker by a uniform draw in
// [0, SlippageBps], never past the order's limit.
func (e *Exchange) slip(price arena.Fixed, s arena.Side, limit arena.Fixed) arena.Fixed {
	frac := arena.Fixed(e.rng.Uint64N(uint64(e.cfg.SlippageBps)+1)) / 10_000
	adj := mul(price, frac)
	if s == arena.Long {
		price += adj
		if limit != 0 && price > limit {
			price = limit
		}
		return price
	}
	price -= adj
	if limit != 0 && price < limit {
		price = limit
	}
	return price
}

// commitWalk consumes the walked levels and books the fills.
func (e *Exchange) commitWalk(lo *liveOrder) {
	side := lo.m.book.opposite(lo.order.Side)
	for i := range e.walked {
		if f := &e.walked[i]; f.idx >= 0 {
			side.levels[f.idx].used += f.qty
		}
	}
	e.book(lo.acct, lo.m, &lo.order, arena.Taker)
}

// projectMargin reports how much would be available after the priced fills
// and a resting remainder of rest, and whether the order opens anything.
func (e *Exchange) projectMargin(lo *liveOrder, rest arena.Fixed) (before, after arena.Fixed, opens bool) {
	a, m, o := lo.acct, lo.m, &lo.order
	before = e.value(a).available(a.orderMargin)
	p := &a.slots[m.idx].pos
	next, cash := e.project(m, o, *p)
	reserve := orderReserve(o, rest)
	after = before + cash + unrealized(&next, m.mark) - unrealized(p, m.mark) - (next.Margin - p.Margin) - reserve
	opens = rest > 0 || (next.Quantity > 0 && (next.Side != p.Side || next.Quantity > p.Quantity || p.Quantity == 0))
	return before, after, opens
}

// orderReserve is the margin a resting opening order holds: qty × price /
// leverage.
func orderReserve(o *arena.Order, qty arena.Fixed) arena.Fixed {
	if o.ReduceOnly || qty <= 0 {
		return 0
	}
	return mul(o.Price, qty).Div(orderLeverage(o))
}
