package exchange

import (
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

// Records. Every state change appends its record to e.batch, stamped with
// the next record sequence number and the exchange clock; flush hands the
// batch to the sink once per public operation and reuses its slices.

func (e *Exchange) nextSeq() uint64 {
	e.recordSeq++
	return e.recordSeq
}

// emit stamps rec (through its seq and time fields) and appends it to list.
func emit[T any](e *Exchange, list *[]T, rec *T, seq *uint64, at *time.Time) {
	*seq = e.nextSeq()
	*at = e.now
	*list = append(*list, *rec)
}

func (e *Exchange) emitOrder(o *arena.Order) { emit(e, &e.batch.Orders, o, &o.Seq, &o.UpdatedAt) }

func (e *Exchange) emitPosition(p *arena.Position) {
	p.Leverage = leverage(p)
	emit(e, &e.batch.Positions, p, &p.Seq, &p.UpdatedAt)
}

func (e *Exchange) emitFunding(f *arena.FundingPayment) {
	emit(e, &e.batch.Funding, f, &f.Seq, &f.Time)
}

func (e *Exchange) emitLiquidation(l *arena.Liquidation) {
	emit(e, &e.batch.Liquidations, l, &l.Seq, &l.Time)
}

func (e *Exchange) emitInsurance(n *arena.InsuranceEntry) {
	emit(e, &e.batch.Insurance, n, &n.Seq, &n.Time)
}

func (e *Exchange) emitReset(r *arena.AccountReset) { emit(e, &e.batch.Resets, r, &r.Seq, &r.Time) }

// flush settles pending risk work and publishes the batch if it holds
// anything, or if the exchange's own state (a funding basis) changed.
func (e *Exchange) flush() {
	e.settle()
	if e.batch.Empty() && !e.stateChanged {
		return
	}
	e.stateChanged = false
	e.batchSeq++
	e.batch.Seq = e.batchSeq
	e.batch.Time = e.now
	if e.sink != nil {
		e.batch.Rates = e.rates(e.batch.Rates)
		e.batch.RNG, _ = e.pcg.AppendBinary(e.batch.RNG[:0]) // never fails
		e.batch.OrderSeq = e.opSeq
		e.sink.Publish(&e.batch)
	}
	e.batch.Truncate()
}
