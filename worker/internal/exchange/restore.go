package exchange

import (
	"fmt"
	"slices"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

// Export returns the exchange's restorable state: per account the ledger
// totals, open positions, live orders and recently finished orders, plus
// the clock, the last funding hour, the record and batch sequences and the
// slippage generator. Restore(Export()) on a new exchange with the same
// configuration continues exactly; books come from the feed.
func (e *Exchange) Export() arena.ExchangeState {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.export()
}

func (e *Exchange) export() arena.ExchangeState {
	rng, _ := e.pcg.MarshalBinary() // never fails
	st := arena.ExchangeState{
		Time: e.now, LastFunding: time.Unix(e.fundingHour*3600, 0).UTC(),
		RecordSeq: e.recordSeq, BatchSeq: e.batchSeq, OrderSeq: e.opSeq, RNG: rng, Rates: e.rates(nil),
	}
	for _, a := range e.accounts {
		as := arena.AccountState{
			AccountID: a.id, Capital: a.capital, Cash: a.cash,
			RealizedPnL: a.realized, Fees: a.fees, Funding: a.funding, Insurance: a.insurance,
			Positions: []arena.Position{}, Orders: e.liveOrders(a), Recent: a.recentOrders(),
			RecentComplete: !a.forgot,
		}
		for i := range a.slots {
			if p := a.slots[i].pos; p.Quantity > 0 {
				as.Positions = append(as.Positions, p)
			}
		}
		st.Accounts = append(st.Accounts, as)
	}
	return st
}

// Restore loads persisted state into an exchange that has no accounts yet.
// It validates everything first and changes nothing on error. Positions
// need Margin, or Leverage to derive it from; resting orders keep their
// queue position; pending orders execute at their DueAt, or, when that
// comes before their market's first book after the restart, right after
// that book (never rejected for data the restart lost); requested cancels
// land at their CancelAt. No records are emitted: this is the state the
// records already describe.
func (e *Exchange) Restore(st arena.ExchangeState) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.accounts) > 0 {
		return arena.Errorf(arena.CodeConflict, "restore: the exchange already has accounts")
	}
	if err := e.validateState(&st); err != nil {
		return err
	}
	if len(st.RNG) > 0 {
		if err := e.pcg.UnmarshalBinary(st.RNG); err != nil {
			return arena.WrapError(arena.CodeInvalid, err, "restore: slippage generator state")
		}
	}
	e.now = st.Time
	e.fundingHour = unixHour(st.Time)
	if !st.LastFunding.IsZero() {
		e.fundingHour = unixHour(st.LastFunding)
	}
	e.recordSeq, e.batchSeq, e.opSeq = st.RecordSeq, st.BatchSeq, st.OrderSeq
	for _, r := range st.Rates {
		if m, ok := e.bySymbol[r.Symbol]; ok {
			m.lastRate, m.lastMark, m.hasLastRate = r.Rate, r.Mark, r.HasRate
		}
	}
	for _, ms := range st.Markets {
		e.restoreMarket(ms)
	}
	for i := range st.Accounts {
		e.restoreAccount(&st.Accounts[i])
	}
	e.restoreCancels()
	// No risk check here: no market has a mark yet, and restoring emits no
	// records. Every account is dirty, so the first operation re-checks
	// it, and nothing acts on it before all its markets are marked.
	return nil
}

// restoreCancels re-sends the cancels that were on their way, once every
// order's priority is known (their sequence numbers come after).
func (e *Exchange) restoreCancels() {
	for _, a := range e.accounts {
		for _, lo := range e.liveOrders(a) {
			if !lo.CancelAt.IsZero() {
				e.queueCancel(a.live[lo.OrderID])
			}
		}
	}
}

func (e *Exchange) restoreAccount(s *arena.AccountState) {
	a := e.addAccount(s.AccountID, s.Capital)
	a.cash, a.realized, a.fees, a.funding, a.insurance = s.Cash, s.RealizedPnL, s.Fees, s.Funding, s.Insurance
	for _, p := range s.Positions {
		m := e.bySymbol[p.Symbol]
		if p.Margin == 0 {
			p.Margin = p.EntryPrice.Mul(p.Quantity).Div(p.Leverage)
		}
		p.AccountID, p.Status = a.id, arena.PositionOpen
		p.Leverage = leverage(&p)
		a.slots[m.idx].pos = p
		e.syncTriggers(a, m.idx)
	}
	for _, o := range s.Recent {
		a.remember(o)
		e.opSeq = max(e.opSeq, o.Priority)
	}
	a.forgot = a.forgot || !s.RecentComplete
	for _, o := range s.Orders {
		lo := &liveOrder{order: o, acct: a, m: e.bySymbol[o.Symbol]}
		a.live[o.OrderID] = lo
		prio := o.Priority
		if prio == 0 { // persisted without one: keep the given order
			prio = e.nextOp()
		}
		e.opSeq = max(e.opSeq, prio)
		if o.State == arena.OrderPending {
			lo.busy, lo.restored = 1, true
			lo.order.Priority = prio
			e.pushPending(pendingOp{due: o.DueAt, seq: prio, lo: lo})
		} else {
			e.restAt(lo, prio)
			lo.order.QueueAhead = o.QueueAhead
		}
	}
	e.markDirty(a)
}

func (e *Exchange) validateState(st *arena.ExchangeState) error {
	markets := map[arena.Symbol]bool{}
	for _, ms := range st.Markets {
		if _, ok := e.bySymbol[ms.Symbol]; !ok || markets[ms.Symbol] {
			return arena.Errorf(arena.CodeInvalid, "restore: market %q unknown or repeated", ms.Symbol)
		}
		markets[ms.Symbol] = true
		if err := validateBook(ms); err != nil {
			return arena.WrapError(arena.CodeInvalid, err, "restore: market %s", ms.Symbol)
		}
	}
	seen := map[string]bool{}
	for _, a := range st.Accounts {
		if a.AccountID == "" || seen[a.AccountID] {
			return arena.Errorf(arena.CodeInvalid, "restore: account id %q empty or repeated", a.AccountID)
		}
		seen[a.AccountID] = true
		if err := e.validateAccountState(&a); err != nil {
			return arena.WrapError(arena.CodeInvalid, err, "restore: account %q", a.AccountID)
		}
	}
	return nil
}

func (e *Exchange) validateAccountState(a *arena.AccountState) error {
	if a.Capital <= 0 {
		return fmt.Errorf("capital %s is not positive", a.Capital)
	}
	var symbols []arena.Symbol
	for _, p := range a.Positions {
		switch _, ok := e.bySymbol[p.Symbol]; {
		case !ok:
			return fmt.Errorf("position %s: unknown symbol %q", p.ID, p.Symbol)
		case slices.Contains(symbols, p.Symbol):
			return fmt.Errorf("position %s: a second %s position", p.ID, p.Symbol)
		case p.ID == "" || !p.Side.Valid() || p.Quantity <= 0 || p.EntryPrice <= 0 || !fitsProduct(p.EntryPrice, p.Quantity):
			return fmt.Errorf("position %q: needs an id, a side, and a positive quantity and entry price", p.ID)
		case p.Margin < 0 || (p.Margin == 0 && p.Leverage < arena.One):
			return fmt.Errorf("position %s: needs a positive margin or a leverage of at least 1", p.ID)
		}
		symbols = append(symbols, p.Symbol)
	}
	ids := map[string]bool{}
	for _, o := range a.Orders {
		m, ok := e.bySymbol[o.Symbol]
		switch {
		case !ok:
			return fmt.Errorf("order %s: unknown symbol %q", o.OrderID, o.Symbol)
		case o.OrderID == "" || ids[o.OrderID] || o.AccountID != a.AccountID:
			return fmt.Errorf("order %q: empty or repeated id, or another account's", o.OrderID)
		case o.State != arena.OrderPending && o.State != arena.OrderResting:
			return fmt.Errorf("order %s: state %s is not live", o.OrderID, o.State)
		case o.State == arena.OrderResting && (o.Type != arena.OrderLimit || !o.Price.IsMultipleOf(m.spec.TickSize)):
			return fmt.Errorf("order %s: a resting order needs a limit price on the tick", o.OrderID)
		case o.Filled < 0 || (!o.ClosePosition && (o.Quantity <= 0 || o.Filled >= o.Quantity)) || o.QueueAhead < 0:
			return fmt.Errorf("order %s: quantities out of range", o.OrderID)
		}
		ids[o.OrderID] = true
	}
	return nil
}

// exportMarkets returns every market's venue-side state (see
// arena.MarketState).
func (e *Exchange) exportMarkets() []arena.MarketState {
	out := make([]arena.MarketState, 0, len(e.markets))
	for _, m := range e.markets {
		out = append(out, arena.MarketState{
			Symbol: m.spec.Symbol, Updated: m.updated, Seq: m.lastSeq,
			Mark: m.mark, VenueMark: m.venueMark, FundingRate: m.fundingRate, HasRate: m.hasRate,
			Bids: exportSide(&m.book.bids), Asks: exportSide(&m.book.asks),
		})
	}
	return out
}

// exportSide lists a side best first.
func exportSide(s *bookSide) []arena.BookLevel {
	out := make([]arena.BookLevel, 0, len(s.levels))
	for i := len(s.levels) - 1; i >= 0; i-- {
		l := s.levels[i]
		out = append(out, arena.BookLevel{Price: l.price, Size: l.size, Used: l.used})
	}
	return out
}

func (e *Exchange) restoreMarket(ms arena.MarketState) {
	m := e.bySymbol[ms.Symbol]
	m.updated, m.lastSeq = ms.Updated, ms.Seq
	m.mark, m.venueMark, m.fundingRate, m.hasRate = ms.Mark, ms.VenueMark, ms.FundingRate, ms.HasRate
	restoreSide(&m.book.bids, ms.Bids)
	restoreSide(&m.book.asks, ms.Asks)
}

func restoreSide(s *bookSide, lv []arena.BookLevel) {
	s.levels = s.levels[:0]
	for i := len(lv) - 1; i >= 0; i-- {
		s.levels = append(s.levels, level{price: lv[i].Price, size: lv[i].Size, used: lv[i].Used})
	}
}

// validateBook checks a checkpointed book: prices in range and strictly
// ordered best first, sizes positive, consumption within the size.
func validateBook(ms arena.MarketState) error {
	if ms.Mark < 0 || ms.Mark > maxFeedPrice || ms.VenueMark < 0 || ms.VenueMark > maxFeedPrice || ms.FundingRate.Abs() > arena.One {
		return fmt.Errorf("mark %s, venue mark %s or funding rate %s out of range", ms.Mark, ms.VenueMark, ms.FundingRate)
	}
	for side, levels := range [2][]arena.BookLevel{ms.Bids, ms.Asks} {
		bid := side == 0
		for i, l := range levels {
			if l.Price <= 0 || l.Price > maxFeedPrice || l.Size <= 0 || l.Used < 0 || l.Used > l.Size {
				return fmt.Errorf("book level %s × %s (used %s) out of range", l.Size, l.Price, l.Used)
			}
			if prev := levels[max(i-1, 0)].Price; i > 0 && (prev == l.Price || (prev < l.Price) == bid) {
				return fmt.Errorf("book levels not strictly ordered best first at %s", l.Price)
			}
		}
	}
	return nil
}
