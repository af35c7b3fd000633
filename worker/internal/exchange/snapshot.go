package exchange

import (
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

// Snapshot values an account at the current marks.
func (e *Exchange) Snapshot(accountID string) (arena.AccountSnapshot, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	a, err := e.account(accountID)
	if err != nil {
		return arena.AccountSnapshot{}, err
	}
	return e.snapshot(a), nil
}

// Snapshots values every account, in creation order.
func (e *Exchange) Snapshots() []arena.AccountSnapshot {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]arena.AccountSnapshot, len(e.accounts))
	for i, a := range e.accounts {
		out[i] = e.snapshot(a)
	}
	return out
}

func (e *Exchange) snapshot(a *account) arena.AccountSnapshot {
	v := e.value(a)
	s := arena.AccountSnapshot{
		AccountID: a.id, Time: e.now, Capital: a.capital,
		Cash: a.cash, Equity: v.equity, Available: v.available(a.orderMargin),
		UsedMargin: v.used, OrderMargin: a.orderMargin, MaintenanceMargin: v.maint,
		UnrealizedPnL: v.unrealized, RealizedPnL: a.realized, Fees: a.fees,
		Funding: a.funding, Insurance: a.insurance,
		Positions: []arena.PositionSnapshot{}, Orders: e.liveOrders(a),
	}
	for i := range a.slots {
		p, m := &a.slots[i].pos, e.markets[i]
		if p.Quantity == 0 {
			continue
		}
		s.Positions = append(s.Positions, arena.PositionSnapshot{
			Position: *p, Mark: m.mark,
			Notional:         mulSat(p.Quantity, m.mark),
			UnrealizedPnL:    unrealized(p, m.mark),
			LiquidationPrice: liquidationPrice(p, m, v),
		})
	}
	return s
}

// liveOrders lists a's pending orders (by due time) then resting orders (by
// market and priority): a deterministic order, unlike the map.
func (e *Exchange) liveOrders(a *account) []arena.Order {
	out := []arena.Order{}
	for i := len(e.pending) - 1; i >= 0; i-- {
		if op := e.pending[i]; op.lo.acct == a && !op.cancel && op.lo.order.State == arena.OrderPending {
			out = append(out, op.lo.order)
		}
	}
	for _, m := range e.markets {
		for _, list := range [2][]*liveOrder{m.restBids, m.restAsks} {
			for _, lo := range list {
				if lo.acct == a {
					out = append(out, lo.order)
				}
			}
		}
	}
	return out
}

// liquidationPrice solves equity = maintenance margin for p's mark with the
// rest of the account fixed: cash + others + q(x − entry) = mmOthers + |q|·x·f.
func liquidationPrice(p *arena.Position, m *market, v valuation) arena.Fixed {
	f := m.spec.MaintenanceMarginFraction
	q := p.Signed()
	rest := v.equity - unrealized(p, m.mark)
	mmRest := v.maint - mulSat(mulSat(p.Quantity, m.mark), f)
	num := mmRest - rest + mulSat(q, p.EntryPrice)
	den := q - p.Quantity.Mul(f)
	x, err := num.DivChecked(den)
	if err != nil || x <= 0 {
		return 0
	}
	return x
}

// Quote is a market's current prices.
type Quote struct {
	Symbol      arena.Symbol
	Bid, Ask    arena.Fixed // best displayed; 0 when the side is empty
	Mid         arena.Fixed
	Mark        arena.Fixed // what positions are valued at
	FundingRate arena.Fixed // fraction per hour
	Updated     time.Time   // exchange clock at the last book update
	Stale       bool
}

// Quote returns sym's current prices.
func (e *Exchange) Quote(sym arena.Symbol) (Quote, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	m, err := e.market(sym)
	if err != nil {
		return Quote{}, err
	}
	q := Quote{Symbol: sym, Mark: m.mark, FundingRate: m.fundingRate, Updated: m.updated, Stale: !e.fresh(m)}
	if l, ok := m.book.bids.best(); ok {
		q.Bid = l.price
	}
	if l, ok := m.book.asks.best(); ok {
		q.Ask = l.price
	}
	q.Mid, _ = m.book.mid()
	return q, nil
}

// Prices returns the mark of every market that has one, for the price
// publisher.
func (e *Exchange) Prices() []arena.Price {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]arena.Price, 0, len(e.markets))
	for _, m := range e.markets {
		if m.mark != 0 {
			out = append(out, arena.Price{Symbol: m.spec.Symbol, Price: m.mark, Time: m.updated})
		}
	}
	return out
}
