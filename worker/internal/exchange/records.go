package exchange

import (
	"github.com/autonome-go/autonome/shared/arena"
)

// Records. Every state change appends its record to e.batch, stamped with
// the next record sequence number and the exchange clock; flush hands the
// batch to the sink once per public operation and reuses its slices.

func (e *Exchange) nextSeq() uint64 {
	e.recordSeq++
	return e.recordSeq
}

func (e *Exchange) emitOrder(o *arena.Order) {
	o.Seq = e.nextSeq()
	o.UpdatedAt = e.now
	e.batch.Orders = append(e.batch.Orders, *o)
}

func (e *Exchange) emitPosition(p *arena.Position) {
	p.Leverage = leverage(p)
	p.Seq = e.nextSeq()
	p.UpdatedAt = e.now
	e.batch.Positions = append(e.batch.Positions, *p)
}

func (e *Exchange) emitFunding(f *arena.FundingPayment) {
	f.Seq = e.nextSeq()
	f.Time = e.now
	e.batch.Funding = append(e.batch.Funding, *f)
}

func (e *Exchange) emitLiquidation(l *arena.Liquidation) {
	l.Seq = e.nextSeq()
	l.Time = e.now
	e.batch.Liquidations = append(e.batch.Liquidations, *l)
}

func (e *Exchange) emitInsurance(n *arena.InsuranceEntry) {
	n.Seq = e.nextSeq()
	n.Time = e.now
	e.batch.Insurance = append(e.batch.Insurance, *n)
}

func (e *Exchange) emitReset(r *arena.AccountReset) {
	r.Seq = e.nextSeq()
	r.Time = e.now
	e.batch.Resets = append(e.batch.Resets, *r)
}

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
