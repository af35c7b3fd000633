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

// pushPending keeps e.pending sorted with the next op (earliest due, then
// lowest seq) last.
func (e *Exchange) pushPending(op pendingOp) {
	i, _ := slices.BinarySearchFunc(e.pending, op, func(x, t pendingOp) int {
		switch {
		case x.due.After(t.due) || (x.due.Equal(t.due) && x.seq > t.seq):
			return -1
		case x.due.Equal(t.due) && x.seq == t.seq:
			return 0
		}
		return 1
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
