package exchange

import (
	"slices"

	"github.com/autonome-go/autonome/shared/arena"
)

// The trigger index. Each market keeps two sorted lists of price triggers:
// below (fires when the mark falls to or under the price) and above (fires
// when it rises to or over it). A book update only looks at the top of each
// list, so checking exit plans and liquidation costs O(1) when nothing fires,
// however many accounts hold positions.
//
//	LONG:  stop, invalidation, liquidation band → below; target → above
//	SHORT: stop, invalidation, liquidation band → above; target → below
//
// Time exits are a separate list ordered by deadline, driven by the clock.

type trigKind uint8

const (
	kindStop trigKind = iota
	kindInvalidation
	kindTarget
	kindBand // see risk.go
	numKinds
)

type trigger struct {
	price arena.Fixed
	acct  int32
	kind  trigKind
}

// triggerList is sorted so that the trigger to fire first is last.
type triggerList struct {
	items []trigger
	above bool
}

// cmp orders x before t when x fires later.
func (l *triggerList) cmp(x, t trigger) int {
	if x.price != t.price {
		if (x.price < t.price) != l.above {
			return -1
		}
		return 1
	}
	if x.acct != t.acct {
		return -cmpU64(uint64(x.acct), uint64(t.acct))
	}
	return -cmpU64(uint64(x.kind), uint64(t.kind))
}

func (l *triggerList) insert(t trigger) {
	i, _ := slices.BinarySearchFunc(l.items, t, l.cmp)
	l.items = slices.Insert(l.items, i, t)
}

func (l *triggerList) remove(t trigger) {
	if i, ok := slices.BinarySearchFunc(l.items, t, l.cmp); ok {
		l.items = slices.Delete(l.items, i, i+1)
	}
}

// due reports whether the top trigger fires at mark.
func (l *triggerList) due(mark arena.Fixed) bool {
	n := len(l.items)
	if n == 0 {
		return false
	}
	if l.above {
		return mark >= l.items[n-1].price
	}
	return mark <= l.items[n-1].price
}

func (l *triggerList) pop() trigger {
	n := len(l.items)
	t := l.items[n-1]
	l.items = l.items[:n-1]
	return t
}

// registration is what a slot has in a market's lists for one kind.
type registration struct {
	price arena.Fixed // 0: none
	above bool
}

// wantsAbove tells which list a trigger of kind for a position on side goes to.
func wantsAbove(side arena.Side, kind trigKind) bool {
	return (side == arena.Short) != (kind == kindTarget)
}

// setTrigger registers (price > 0) or removes (price 0) one trigger of a's
// position in market mi.
func (e *Exchange) setTrigger(a *account, mi int, kind trigKind, price arena.Fixed) {
	s, m := &a.slots[mi], e.markets[mi]
	above := wantsAbove(s.pos.Side, kind)
	r := &s.trig[kind]
	if r.price == price && (price == 0 || r.above == above) {
		return
	}
	if r.price != 0 {
		m.list(r.above).remove(trigger{price: r.price, acct: int32(a.idx), kind: kind})
	}
	*r = registration{price: price, above: above}
	if price != 0 {
		m.list(above).insert(trigger{price: price, acct: int32(a.idx), kind: kind})
	}
}

func (m *market) list(above bool) *triggerList {
	if above {
		return &m.above
	}
	return &m.below
}

// syncTriggers brings the index in line with a's position in mi: its exit
// plan's prices and deadline (the liquidation band is set by risk checks).
func (e *Exchange) syncTriggers(a *account, mi int) {
	p := &a.slots[mi].pos
	var plan arena.ExitPlan
	if p.Quantity > 0 {
		plan = p.ExitPlan
	} else {
		e.setTrigger(a, mi, kindBand, 0)
	}
	e.setTrigger(a, mi, kindStop, plan.Stop)
	e.setTrigger(a, mi, kindInvalidation, plan.InvalidationPrice)
	e.setTrigger(a, mi, kindTarget, plan.Target)
	e.setTimeExit(a, mi, plan.TimeExit)
}

// checkTriggers fires what the mark of m has reached: exits first (a stop
// before the rest), then liquidation bands, each position at most once.
func (e *Exchange) checkTriggers(m *market) {
	if m.mark == 0 {
		return
	}
	e.fired = e.fired[:0]
	for _, l := range [2]*triggerList{&m.below, &m.above} {
		for l.due(m.mark) {
			t := l.pop()
			e.accounts[t.acct].slots[m.idx].trig[t.kind] = registration{}
			e.fired = append(e.fired, t)
		}
	}
	if m.timeDue > 0 {
		e.retryTimeExits(m)
	}
	for _, t := range e.fired {
		a := e.accounts[t.acct]
		if t.kind == kindBand {
			e.markDirty(a)
			continue
		}
		e.evaluateExit(a, m)
	}
	for _, a := range e.underwater {
		e.markDirty(a)
	}
}
