package lighter

import "github.com/autonome-go/autonome/shared/arena"

// ringTrade is a streamed trade kept for replaying over fresh REST bars.
type ringTrade struct {
	id int64
	p  arena.TradePrint
}

// tradeRing keeps the last recentTrades trades of a symbol, oldest first.
type tradeRing struct {
	buf  [recentTrades]ringTrade
	next int
	full bool
}

func (r *tradeRing) add(t ringTrade) {
	r.buf[r.next] = t
	r.next = (r.next + 1) % len(r.buf)
	r.full = r.full || r.next == 0
}

func (r *tradeRing) each(fn func(ringTrade)) {
	if r.full {
		for _, t := range r.buf[r.next:] {
			fn(t)
		}
	}
	for _, t := range r.buf[:r.next] {
		fn(t)
	}
}

func (r *tradeRing) maxID() int64 {
	var m int64
	r.each(func(t ringTrade) { m = max(m, t.id) })
	return m
}
