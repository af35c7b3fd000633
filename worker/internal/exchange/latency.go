package exchange

import (
	"slices"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

// pendingOp is an order or a cancel travelling to the engine.
type pendingOp struct {
	due    time.Time
	seq    uint64
	lo     *liveOrder
	cancel bool
}

// pushPending keeps e.pending sorted with the next op last: earliest due,
// then lowest seq (the order's Priority), an order's arrival before its
// cancel. Everything in the key is persisted, so a restored exchange
// replays ties in the same order.
func (e *Exchange) pushPending(op pendingOp) {
	i, _ := slices.BinarySearchFunc(e.pending, op, func(x, t pendingOp) int {
		switch {
		case !x.due.Equal(t.due):
			if x.due.After(t.due) {
				return -1
			}
			return 1
		case x.seq != t.seq:
			return -cmpU64(x.seq, t.seq)
		case x.cancel != t.cancel:
			if x.cancel {
				return -1
			}
			return 1
		}
		return 0
	})
	e.pending = slices.Insert(e.pending, i, op)
}

// popPending processes the next op at its due time.
func (e *Exchange) popPending() {
	n := len(e.pending)
	op := e.pending[n-1]
	e.pending[n-1] = pendingOp{}
	e.pending = e.pending[:n-1]
	lo := op.lo
	if !op.cancel && lo.restored && lo.order.State == arena.OrderPending && lo.m.updated.IsZero() {
		// Restored before its market's first book: it waits for the market
		// to be live instead of being rejected for lack of data.
		lo.m.parked = append(lo.m.parked, lo)
		return
	}
	lo.busy--
	switch {
	case op.cancel:
		e.cancel(lo, "cancelled by request")
	case lo.order.State == arena.OrderPending:
		e.arrive(lo)
	}
	if lo.busy == 0 {
		lo.wake()
	}
}

func (e *Exchange) nextOp() uint64 {
	e.opSeq++
	return e.opSeq
}

// releaseParked executes, in their order, the restored pending orders that
// fell due before m's first book after the restart, now that it is live.
func (e *Exchange) releaseParked(m *market) {
	for i, lo := range m.parked {
		m.parked[i] = nil
		lo.busy--
		if lo.order.State == arena.OrderPending {
			e.arrive(lo)
		}
		if lo.busy == 0 {
			lo.wake()
		}
		e.settle()
	}
	m.parked = m.parked[:0]
}
