package exchange

import (
	"github.com/autonome-go/autonome/shared/arena"
)

// settleFunding pays funding on every open position at the whole hour the
// clock just reached, at the market's latest funding rate (fraction per
// hour, from MarketStats) on its mark: amount = −(signed qty × mark) × rate,
// so longs pay and shorts receive when the rate is positive. Markets without
// a rate or a mark are skipped.
func (e *Exchange) settleFunding() {
	for _, a := range e.accounts {
		for i := range a.slots {
			p, m := &a.slots[i].pos, e.markets[i]
			if p.Quantity == 0 || !m.hasRate || m.mark == 0 {
				continue
			}
			amount := -mulSat(mulSat(p.Signed(), m.mark), m.fundingRate)
			if amount == 0 {
				continue
			}
			a.cash += amount
			a.funding += amount
			p.Funding += amount
			e.emitFunding(&arena.FundingPayment{
				AccountID: a.id, PositionID: p.ID, Symbol: m.spec.Symbol, Side: p.Side,
				Quantity: p.Quantity, MarkPrice: m.mark, Rate: m.fundingRate,
				Amount: amount, CashAfter: a.cash,
			})
			e.emitPosition(p)
			e.markDirty(a)
		}
	}
}
