package exchange

import (
	"fmt"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

// account is one cross-margin account. Cash changes only through book,
// creditFunding, chargeLiquidation and creditInsurance, each of which is
// recorded, so the ledger identity arena.CheckLedger verifies holds exactly.
type account struct {
	id      string
	idx     int
	capital arena.Fixed

	cash      arena.Fixed
	realized  arena.Fixed
	fees      arena.Fixed
	funding   arena.Fixed
	insurance arena.Fixed
	venue     bool // mirrors a venue account: funding comes from the venue

	slots       []slot // one per market
	orderMargin arena.Fixed

	live   map[string]*liveOrder // pending and resting orders by client id
	recent map[string]int        // finished orders by client id → index in ring
	ring   []arena.Order
	next   int // oldest ring entry once full
	window int
	forgot bool // some finished order ids are no longer in ring

	dirty      bool
	liqGen     uint64
	underwater bool
	halted     string // why trading stopped: a ledger amount out of range
}

// slot is an account's position in one market and its registered triggers.
type slot struct {
	pos      arena.Position // Quantity 0: flat
	trig     [numKinds]registration
	timeExit time.Time // registered deadline
	timeDue  bool      // deadline passed while the book was stale
}

func newAccount(id string, idx int, capital arena.Fixed, markets, window int) *account {
	return &account{
		id: id, idx: idx, capital: capital, cash: capital,
		slots:  make([]slot, markets),
		live:   map[string]*liveOrder{},
		recent: make(map[string]int, min(window, 4096)),
		window: window,
	}
}

// book applies a fill's realized PnL and fee to cash.
func (a *account) book(realized, fee arena.Fixed) {
	a.cash += realized - fee
	a.realized += realized
	a.fees += fee
}

// remember keeps a finished order for idempotency, forgetting the oldest
// once the window is full.
func (a *account) remember(o arena.Order) {
	if i, ok := a.recent[o.OrderID]; ok {
		a.ring[i] = o
		return
	}
	if len(a.ring) < a.window {
		a.recent[o.OrderID] = len(a.ring)
		a.ring = append(a.ring, o)
		return
	}
	delete(a.recent, a.ring[a.next].OrderID)
	a.forgot = true
	a.ring[a.next] = o
	a.recent[o.OrderID] = a.next
	a.next = (a.next + 1) % a.window
}

// lookup finds an order by client id: live first, then recently finished.
func (a *account) lookup(id string) (arena.Order, bool) {
	if lo, ok := a.live[id]; ok {
		return lo.order, true
	}
	if i, ok := a.recent[id]; ok {
		return a.ring[i], true
	}
	return arena.Order{}, false
}

// recentOrders returns the remembered finished orders, oldest first.
func (a *account) recentOrders() []arena.Order {
	if len(a.ring) < a.window {
		return append([]arena.Order(nil), a.ring...)
	}
	out := append([]arena.Order(nil), a.ring[a.next:]...)
	return append(out, a.ring[:a.next]...)
}

// valuation of the account at the current marks.
type valuation struct {
	equity     arena.Fixed
	unrealized arena.Fixed
	used       arena.Fixed // Σ position margin
	maint      arena.Fixed // Σ |qty| × mark × maintenance fraction
	open       int         // open positions
	unmarked   int         // open positions whose market has no mark yet
}

func (e *Exchange) value(a *account) valuation {
	v := valuation{equity: a.cash}
	for i := range a.slots {
		p := &a.slots[i].pos
		if p.Quantity == 0 {
			continue
		}
		m := e.markets[i]
		v.open++
		if m.mark == 0 {
			v.unmarked++
		}
		u := unrealized(p, m.mark)
		v.unrealized += u
		v.used += p.Margin
		v.maint += mulSat(mulSat(p.Quantity, m.mark), m.spec.MaintenanceMarginFraction)
	}
	v.equity += v.unrealized
	return v
}

// available is equity minus the margin of positions and resting orders.
func (v valuation) available(orderMargin arena.Fixed) arena.Fixed {
	return v.equity - v.used - orderMargin
}

// ledgerLimit bounds every ledger amount (cash, realized PnL, fees, funding):
// about 1e9 USDT, beyond anything an account of the arena can reach, and far
// inside the int64 range, so sums of bounded amounts cannot wrap.
const ledgerLimit = satLimit

// ledgerCheck reports why booking the priced fills in e.closing and
// e.opening on a's position p would take a ledger amount out of range, or "".
func (e *Exchange) ledgerCheck(a *account, p *arena.Position) string {
	c, o := &e.closing, &e.opening
	if c.overflow || o.overflow {
		return "a fill amount is out of range"
	}
	fees, err1 := c.fees.AddChecked(o.fees)
	cash, err2 := a.cash.AddChecked(c.realized)
	cash, err3 := cash.AddChecked(-fees)
	realized, err4 := a.realized.AddChecked(c.realized)
	total, err5 := a.fees.AddChecked(fees)
	posRealized, err6 := p.RealizedPnL.AddChecked(c.realized)
	if err1 != nil || err2 != nil || err3 != nil || err4 != nil || err5 != nil || err6 != nil {
		return "a ledger amount overflows"
	}
	for _, v := range [...]arena.Fixed{cash, realized, total, posRealized} {
		if v > ledgerLimit || v < -ledgerLimit {
			return fmt.Sprintf("ledger amount %s is out of range", v)
		}
	}
	return ""
}

// halt stops a's trading for good (until a reset) after an impossible
// amount, and returns the reason every later order is refused with.
func (e *Exchange) halt(a *account, why string) string {
	if a.halted == "" {
		a.halted = "trading stopped for this account: " + why + " (check the market data feed)"
	}
	return a.halted
}
