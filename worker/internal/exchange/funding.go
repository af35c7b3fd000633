package exchange

import (
	"fmt"

	"github.com/autonome-go/autonome/shared/arena"
)

// settleFunding pays funding on every open position at the whole hour the
// clock just reached, at the market's latest funding rate (fraction per
// hour, from MarketStats) on its mark: amount = −(signed qty × mark) × rate,
// so longs pay and shorts receive when the rate is positive. After a
// restart, an hour that passes before the feed brings a rate and a mark is
// settled at the last ones known before the restart (persisted with every
// ledger batch): an hour is never skipped, and never paid twice (the hour
// only advances). Markets that never had a rate are skipped.
func (e *Exchange) settleFunding() {
	for _, a := range e.accounts {
		if a.venue {
			continue // the venue pays it: BookVenueFunding
		}
		for i := range a.slots {
			p, m := &a.slots[i].pos, e.markets[i]
			rate, mark, ok := m.fundingBasis()
			if p.Quantity == 0 || !ok {
				continue
			}
			amount := -mulSat(mulSat(p.Signed(), mark), rate)
			if amount == 0 {
				continue
			}
			if c, err := a.cash.AddChecked(amount); err != nil || c > ledgerLimit || c < -ledgerLimit {
				e.halt(a, fmt.Sprintf("funding of %s on cash %s is out of range", amount, a.cash))
				continue
			}
			a.cash += amount
			a.funding += amount
			p.Funding += amount
			e.emitFunding(&arena.FundingPayment{
				AccountID: a.id, PositionID: p.ID, Symbol: m.spec.Symbol, Side: p.Side,
				Quantity: p.Quantity, MarkPrice: mark, Rate: rate,
				Amount: amount, CashAfter: a.cash,
			})
			e.emitPosition(p)
			e.markDirty(a)
		}
	}
}

// fundingBasis is the rate and mark funding is settled at: the venue's
// latest rate and mark price (the book's mid while the venue gives no mark),
// or the last known before a restart while the feed has not brought new
// ones. Every change of it is persisted (ApplyStats emits a batch), so a
// restart settles exactly what an uninterrupted run would.
func (m *market) fundingBasis() (rate, mark arena.Fixed, ok bool) {
	rate, mark = m.fundingRate, m.venueMark
	if !m.hasRate {
		if !m.hasLastRate {
			return 0, 0, false
		}
		rate = m.lastRate
	}
	if mark == 0 {
		mark = m.lastMark
	}
	if mark == 0 {
		mark = m.mark
	}
	return rate, mark, mark != 0
}

// rates returns every market's funding basis, for the batch and Export.
func (e *Exchange) rates(buf []arena.MarketRate) []arena.MarketRate {
	buf = buf[:0]
	for _, m := range e.markets {
		rate, mark, _ := m.fundingBasis()
		buf = append(buf, arena.MarketRate{Symbol: m.spec.Symbol, Rate: rate, Mark: mark, HasRate: m.hasRate || m.hasLastRate})
	}
	return buf
}
