package exchange

import (
	"slices"

	"github.com/autonome-go/autonome/shared/arena"
)

// Resting orders live in the market's lists, best price first and then by
// time. Every change to one, its queue position included, is recorded. They never enter the venue's book (which we only mirror): they fill
// as makers, at their own price, when
//   - the venue book crosses them: the opposite side offers unconsumed size
//     at or through their price (that size is then consumed), or
//   - venue trades exhaust the displayed size that was ahead of them when
//     they were placed (risk-averse queue: only trades at the price advance
//     it, a level shrinking below it caps it; trades through the price fill
//     up to the traded size).

// rest puts lo on the book behind everything already there and returns
// where it lives (an inline order is copied to the heap and becomes live).
func (e *Exchange) rest(lo *liveOrder) *liveOrder {
	return e.restAt(lo, e.nextOp())
}

// restAt puts lo on the book with time priority prio.
func (e *Exchange) restAt(lo *liveOrder, prio uint64) *liveOrder {
	if lo == &e.inline {
		c := new(liveOrder)
		*c = *lo
		lo = c
		lo.acct.live[lo.order.OrderID] = lo
	}
	o, m := &lo.order, lo.m
	o.State = arena.OrderResting
	o.QueueAhead = m.book.same(o.Side).sizeAt(o.Price)
	o.Priority = prio
	e.reserve(lo)
	list := m.resting(o.Side)
	bid := o.Side == arena.Long
	i, _ := slices.BinarySearchFunc(*list, lo, func(x, t *liveOrder) int {
		switch {
		case x.order.Price == t.order.Price:
			return cmpU64(x.order.Priority, t.order.Priority)
		case (x.order.Price > t.order.Price) == bid:
			return -1
		}
		return 1
	})
	*list = slices.Insert(*list, i, lo)
	return lo
}

func cmpU64(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// unrest takes lo off the book and releases its margin.
func (e *Exchange) unrest(lo *liveOrder) {
	list := lo.m.resting(lo.order.Side)
	if i := slices.Index(*list, lo); i >= 0 {
		*list = slices.Delete(*list, i, i+1)
	}
	lo.acct.orderMargin -= lo.reserved
	lo.reserved = 0
	lo.order.QueueAhead = 0
}

// reserve sets the margin lo holds for its unfilled opening quantity.
func (e *Exchange) reserve(lo *liveOrder) {
	r := orderReserve(&lo.order, lo.order.Remaining())
	lo.acct.orderMargin += r - lo.reserved
	lo.reserved = r
}

// fillable is how much of resting lo may fill now: all of it, or for a
// reduce-only order no more than the position it reduces (0: cancel it).
func fillable(lo *liveOrder) arena.Fixed {
	o := &lo.order
	if !o.ReduceOnly {
		return o.Remaining()
	}
	p := &lo.acct.slots[lo.m.idx].pos
	if p.Quantity == 0 || p.Side == o.Side {
		return 0
	}
	return min(o.Remaining(), p.Quantity)
}

// crossResting fills the resting orders the venue book now crosses: as
// makers at their own price, or, for an order that rested through the
// venue's displayed book, as a taker at the venue's prices.
func (e *Exchange) crossResting(m *market) {
	for _, s := range [2]arena.Side{arena.Long, arena.Short} {
		e.settleThrough(m, s)
		list, opp := m.resting(s), m.book.opposite(s)
		for i := 0; i < len(*list); {
			lo := (*list)[i]
			best, ok := opp.bestAvailable()
			if !ok || opp.better(lo.order.Price, best) {
				break
			}
			switch want := fillable(lo); {
			case want == 0:
				e.cancel(lo, "reduce-only order cancelled: no position left to reduce")
			case lo.order.Through:
				e.takeResting(lo, want)
			default:
				e.fillResting(lo, consume(opp, lo.order.Price, want))
			}
			if i < len(*list) && (*list)[i] == lo {
				i++
			}
		}
	}
}

// throughVenue reports whether o's price is at or through the best price
// the venue displays on the other side (size our own orders took included).
func throughVenue(m *market, o *arena.Order) bool {
	opp := m.book.opposite(o.Side)
	best, ok := opp.best()
	return ok && !opp.better(o.Price, best.price)
}

// settleThrough clears the mark of resting orders on side s that the
// venue's displayed book no longer crosses: from now on they are makers.
func (e *Exchange) settleThrough(m *market, s arena.Side) {
	for _, lo := range *m.resting(s) {
		if lo.order.Through && !throughVenue(m, &lo.order) {
			lo.order.Through = false
			e.emitOrder(&lo.order)
		}
	}
}

// takeResting fills up to want of a resting order that rested through the
// venue's book as a taker: at the venue's prices up to its own, the size
// our own orders have not taken yet.
func (e *Exchange) takeResting(lo *liveOrder, want arena.Fixed) {
	a, m, o := lo.acct, lo.m, &lo.order
	pr := e.startFills(m, o, &a.slots[m.idx].pos, arena.Taker)
	if e.walk(m, o.Side, want, o.Price, &pr) == 0 {
		return
	}
	if why := e.ledgerCheck(a, &a.slots[m.idx].pos); why != "" {
		e.cancel(lo, e.halt(a, why))
		return
	}
	e.commitWalk(lo)
	e.restingFilled(lo)
}

// consume takes up to want of the unconsumed size at prices at or better
// than limit, best first, and returns how much it took.
func consume(side *bookSide, limit, want arena.Fixed) arena.Fixed {
	got := arena.Fixed(0)
	for i := len(side.levels) - 1; i >= 0 && got < want; i-- {
		lv := &side.levels[i]
		if side.better(limit, lv.price) {
			break
		}
		take := min(want-got, lv.available())
		if take > 0 {
			lv.used += take
			got += take
		}
	}
	return got
}

// tradeResting applies a venue trade to our resting orders on the side it
// hit: the queue ahead at the trade price shrinks by the traded size, and
// orders at the price (once at the front) or through it fill from the
// traded size, shared in priority order.
func (e *Exchange) tradeResting(m *market, t arena.TradePrint) {
	s := arena.Long // a sell aggressor hits bids
	if t.TakerBuy {
		s = arena.Short
	}
	list := m.resting(s)
	left := t.Size
	for i := 0; i < len(*list); {
		lo := (*list)[i]
		o := &lo.order
		if (s == arena.Long && o.Price < t.Price) || (s == arena.Short && o.Price > t.Price) {
			break
		}
		free, queue := t.Size, arena.Fixed(0)
		if o.Price == t.Price {
			free = max(0, t.Size-o.QueueAhead)
			queue = max(0, o.QueueAhead-t.Size)
		}
		moved := queue != o.QueueAhead
		o.QueueAhead = queue
		switch want := min(free, left, fillable(lo)); {
		case want > 0:
			left -= want
			e.fillResting(lo, want)
		case fillable(lo) == 0 && free > 0:
			e.cancel(lo, "reduce-only order cancelled: no position left to reduce")
		case moved:
			e.emitOrder(o) // the queue position is state too
		}
		if i < len(*list) && (*list)[i] == lo {
			i++
		}
	}
}

// fillResting books a maker fill of qty at lo's price.
func (e *Exchange) fillResting(lo *liveOrder, qty arena.Fixed) {
	if qty <= 0 {
		return
	}
	a, m, o := lo.acct, lo.m, &lo.order
	pr := e.startFills(m, o, &a.slots[m.idx].pos, arena.Maker)
	e.addFill(&pr, -1, o.Price, qty)
	if why := e.ledgerCheck(a, &a.slots[m.idx].pos); why != "" {
		e.cancel(lo, e.halt(a, why))
		return
	}
	e.book(a, m, o, arena.Maker)
	e.restingFilled(lo)
}

// restingFilled records what a fill left of resting lo: the position, and
// the order filled (off the book) or still resting with less margin held.
func (e *Exchange) restingFilled(lo *liveOrder) {
	o := &lo.order
	e.afterFills(lo, true)
	if o.Remaining() == 0 {
		e.unrest(lo)
		o.State = arena.OrderFilled
		e.emitOrder(o)
		e.finish(lo)
		return
	}
	e.reserve(lo)
	e.emitOrder(o)
}

// capQueues applies a book change to the queue ahead of our resting orders:
// displayed size at their price that shrank below their queue caps it.
func (e *Exchange) capQueues(m *market, s arena.Side, price, size arena.Fixed) {
	for _, lo := range *m.resting(s) {
		if lo.order.Price == price && lo.order.QueueAhead > size {
			lo.order.QueueAhead = size
			e.emitOrder(&lo.order)
		}
	}
}

// capAllQueues re-caps every resting order after a snapshot.
func (e *Exchange) capAllQueues(m *market) {
	for _, s := range [2]arena.Side{arena.Long, arena.Short} {
		side := m.book.same(s)
		for _, lo := range *m.resting(s) {
			if size := side.sizeAt(lo.order.Price); lo.order.QueueAhead > size {
				lo.order.QueueAhead = size
				e.emitOrder(&lo.order)
			}
		}
	}
}
