package exchange

import (
	"math"
	"math/bits"
	"slices"

	"github.com/autonome-go/autonome/shared/arena"
)

// Liquidation. An account is liquidated when its equity falls below its
// maintenance margin, Σ |qty| × mark × maintenance fraction. Recomputing
// that for every account on every book update would not scale, so each
// account registers one "band" trigger per position in the market trigger
// index: the account's slack (equity − maintenance) is shared among its
// positions, and each band is where its position's mark would have used up
// its share. The loss per unit of adverse mark move is |q|(1−f) for a long
// and |q|(1+f) for a short (the maintenance margin moves too), so while no
// band is crossed the total loss is below the slack and the account is
// safe. A crossed band only means "look again": the account is re-valued
// exactly and either liquidated or given fresh bands. Any change to an
// account (fills, funding) marks it dirty for the same re-check.

// bandReserve is the slack kept back per position to absorb rounding.
const bandReserve = arena.Fixed(100)

func (e *Exchange) markDirty(a *account) {
	if !a.dirty {
		a.dirty = true
		e.dirty = append(e.dirty, a)
	}
}

// settle re-checks every dirty account; at most one liquidation attempt per
// account per pass. Accounts are checked in rounds, each in account order:
// which accounts act first (and meet the book first) must not depend on
// how the exchange learned that they need a look (a band crossed, or a
// market's first mark after a restart).
func (e *Exchange) settle() {
	if len(e.dirty) == 0 {
		return
	}
	e.gen++
	for len(e.dirty) > 0 {
		e.round, e.dirty = e.dirty, e.round[:0]
		slices.SortFunc(e.round, byAccountIndex)
		for _, a := range e.round {
			a.dirty = false
			e.checkRisk(a)
		}
		clear(e.round)
	}
}

func byAccountIndex(a, b *account) int { return a.idx - b.idx }

func (e *Exchange) checkRisk(a *account) {
	v := e.value(a)
	if v.unmarked > 0 {
		// A partial picture: a market without a mark counts as worth
		// nothing, which can hide an open profit. No risk action until
		// every market the account holds is marked (the first mark of a
		// market re-checks its holders).
		return
	}
	if v.open > 0 && v.equity < v.maint && a.liqGen != e.gen {
		a.liqGen = e.gen
		e.liquidate(a, v)
		v = e.value(a)
	}
	if v.open == 0 && a.cash < 0 {
		e.coverShortfall(a)
	}
	e.setUnderwater(a, v.open > 0 && v.equity < v.maint)
	e.setBands(a, v)
}

// liquidate closes a's positions through the book (those whose book is
// fresh; the rest are retried on later updates) and charges the
// liquidation fee, capped at the equity left.
func (e *Exchange) liquidate(a *account, v valuation) {
	if !e.anyFresh(a) {
		return // nothing can be closed yet: leave its orders alone too
	}
	e.cancelAll(a, "cancelled by liquidation")
	var closed, fee arena.Fixed
	for i := range a.slots {
		m := e.markets[i]
		if a.slots[i].pos.Quantity == 0 || !e.fresh(m) {
			continue
		}
		start := len(e.batch.Fills)
		e.autoClose(a, m, arena.TriggerLiquidation)
		for _, f := range e.batch.Fills[start:] {
			closed += f.Notional
			fee += f.Notional.Mul(m.liq)
		}
	}
	if closed == 0 {
		return
	}
	fee = min(fee, max(e.value(a).equity, 0))
	a.cash -= fee
	a.fees += fee
	e.emitLiquidation(&arena.Liquidation{
		AccountID: a.id, Equity: v.equity, MaintenanceMargin: v.maint,
		ClosedNotional: closed, Fee: fee, CashAfter: a.cash,
	})
	e.markDirty(a)
}

// anyFresh reports whether a market of one of a's positions has a fresh
// book to close it through.
func (e *Exchange) anyFresh(a *account) bool {
	for i := range a.slots {
		if a.slots[i].pos.Quantity > 0 && e.fresh(e.markets[i]) {
			return true
		}
	}
	return false
}

// coverShortfall credits a flat account's negative cash from the insurance
// fund, so the loss is recorded instead of vanishing.
func (e *Exchange) coverShortfall(a *account) {
	amount := -a.cash
	a.cash = 0
	a.insurance += amount
	e.emitInsurance(&arena.InsuranceEntry{AccountID: a.id, Amount: amount, CashAfter: a.cash})
}

func (e *Exchange) setUnderwater(a *account, under bool) {
	if a.underwater == under {
		return
	}
	a.underwater = under
	if under {
		e.underwater = append(e.underwater, a)
		return
	}
	if i := slices.Index(e.underwater, a); i >= 0 {
		e.underwater = slices.Delete(e.underwater, i, i+1)
	}
}

// setBands registers a band per open position from the account's slack.
func (e *Exchange) setBands(a *account, v valuation) {
	share := arena.Fixed(0)
	if v.open > 0 {
		share = max(0, (v.equity-v.maint-bandReserve*arena.Fixed(v.open))/arena.Fixed(v.open))
	}
	for i := range a.slots {
		p, m := &a.slots[i].pos, e.markets[i]
		if p.Quantity == 0 || m.mark == 0 {
			e.setTrigger(a, i, kindBand, 0)
			continue
		}
		f := m.spec.MaintenanceMarginFraction
		var price arena.Fixed
		if p.Side == arena.Long {
			move := divFloor(share, mulCeil(p.Quantity, arena.One-f))
			price = max(m.mark-move, 0) // 0: unreachable
		} else {
			move := divFloor(share, mulCeil(p.Quantity, arena.One+f))
			price = m.mark + min(move, satLimit)
		}
		e.setTrigger(a, i, kindBand, price)
	}
}

// mulCeil is a×b rounded up (a, b ≥ 0).
func mulCeil(a, b arena.Fixed) arena.Fixed {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	if hi >= arena.FixedScale {
		return arena.MaxFixed
	}
	q, r := bits.Div64(hi, lo, arena.FixedScale)
	if r > 0 {
		q++
	}
	return arena.Fixed(min(q, math.MaxInt64))
}

// divFloor is a÷b rounded down (a ≥ 0, b > 0), saturating.
func divFloor(a, b arena.Fixed) arena.Fixed {
	hi, lo := bits.Mul64(uint64(a), arena.FixedScale)
	if hi >= uint64(b) {
		return arena.MaxFixed
	}
	q, _ := bits.Div64(hi, lo, uint64(b))
	return arena.Fixed(min(q, math.MaxInt64))
}
