package exchange

import (
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

// VenueFill is a fill that happened on a real venue for an account the
// exchange mirrors (a model trading live). It is booked at the venue's price
// and fee without touching the simulated book, so the ledger tables hold a
// live account exactly as they hold a simulated one (orders, fills,
// positions, cash), and the dashboard, leaderboard and seasons read it
// unchanged.
type VenueFill struct {
	AccountID string
	OrderID   string // our client order id; one order may receive several fills
	Symbol    arena.Symbol
	Side      arena.Side
	Price     arena.Fixed
	Quantity  arena.Fixed
	Fee       arena.Fixed // what the venue charged, quote units (≥ 0)
	Leverage  arena.Fixed // of a position the fill opens; 0: 1x
	Liquidity arena.Liquidity
	Trigger   arena.CloseTrigger // STOP or TARGET when a venue trigger order filled
}

// BookVenueFill books f on its account and returns the order it belongs to
// with every fill so far (FILLED). Fills of the same OrderID add up.
func (e *Exchange) BookVenueFill(now time.Time, f VenueFill) (arena.Order, error) {
	e.mu.Lock()
	defer e.unlock()
	if e.cfg.Journal != nil {
		fc := f
		e.journal(&Input{Kind: InputVenueFill, Time: now, Fill: &fc})
	}
	e.tick(now)
	a, err := e.account(f.AccountID)
	if err != nil {
		return arena.Order{}, err
	}
	m, err := e.market(f.Symbol)
	if err != nil {
		return arena.Order{}, err
	}
	if f.OrderID == "" || len(f.OrderID) > maxOrderIDLen || !f.Side.Valid() || f.Price <= 0 || f.Quantity <= 0 || f.Fee < 0 {
		return arena.Order{}, arena.Errorf(arena.CodeInvalid, "venue fill %+v is malformed", f)
	}
	if _, live := a.live[f.OrderID]; live {
		return arena.Order{}, arena.Errorf(arena.CodeConflict, "order %q is a simulated order", f.OrderID)
	}
	o, known := a.lookup(f.OrderID)
	switch {
	case !known:
		o = arena.Order{OrderRequest: arena.OrderRequest{AccountID: f.AccountID, OrderID: f.OrderID, Symbol: f.Symbol,
			Side: f.Side, Type: arena.OrderMarket, Leverage: f.Leverage}, SubmittedAt: e.now}
	case o.Side != f.Side || o.Symbol != f.Symbol:
		return arena.Order{}, arena.Errorf(arena.CodeConflict, "venue fill for order %q is on another side or market", f.OrderID)
	}
	o.Quantity += f.Quantity
	o.Trigger = f.Trigger
	liq := f.Liquidity
	if liq == "" {
		liq = arena.Taker
	}
	pr := e.startFills(m, &o, &a.slots[m.idx].pos, liq)
	pr.rate = 0 // the venue's fee is charged below, exactly
	e.addFill(&pr, -1, f.Price, f.Quantity)
	last := &e.walked[len(e.walked)-1]
	last.fee = f.Fee
	if last.closing {
		e.closing.fees += f.Fee
	} else {
		e.opening.fees += f.Fee
	}
	if why := e.ledgerCheck(a, &a.slots[m.idx].pos); why != "" {
		return arena.Order{}, arena.Errorf(arena.CodeRejected, "%s", e.halt(a, why))
	}
	e.book(a, m, &o, liq)
	o.State = arena.OrderFilled
	if p := &a.slots[m.idx].pos; p.Quantity > 0 {
		e.emitPosition(p)
	}
	e.markDirty(a)
	e.emitOrder(&o)
	a.remember(o)
	return o, nil
}

// VenueFunding is a funding payment a real venue made on a live account's
// position.
type VenueFunding struct {
	AccountID string
	Symbol    arena.Symbol
	Ref       string      // the venue's id of the payment: booked once
	Amount    arena.Fixed // received (+) or paid (−), quote units
	Rate      arena.Fixed // fraction per hour, as the venue reports it
}

// BookVenueFunding books f on its account's position in f.Symbol: cash,
// the account's and the position's funding move by f.Amount, recorded as a
// FundingPayment carrying f.Ref. A payment whose position is already
// closed (the venue settles the hour after our close reached the ledger)
// is booked on the account alone. The caller books each Ref once.
func (e *Exchange) BookVenueFunding(now time.Time, f VenueFunding) (arena.FundingPayment, error) {
	e.mu.Lock()
	defer e.unlock()
	if e.cfg.Journal != nil {
		fc := f
		e.journal(&Input{Kind: InputVenueFunding, Time: now, Funding: &fc})
	}
	e.tick(now)
	a, err := e.account(f.AccountID)
	if err != nil {
		return arena.FundingPayment{}, err
	}
	m, err := e.market(f.Symbol)
	if err != nil {
		return arena.FundingPayment{}, err
	}
	if f.Ref == "" || len(f.Ref) > maxOrderIDLen || f.Amount.Abs() > ledgerLimit || f.Rate.Abs() > arena.One {
		return arena.FundingPayment{}, arena.Errorf(arena.CodeInvalid, "venue funding %+v is malformed", f)
	}
	c, err := a.cash.AddChecked(f.Amount)
	if err != nil || c > ledgerLimit || c < -ledgerLimit {
		return arena.FundingPayment{}, arena.Errorf(arena.CodeInvalid, "venue funding of %s on cash %s is out of range", f.Amount, a.cash)
	}
	a.cash = c
	a.funding += f.Amount
	p := &a.slots[m.idx].pos
	pay := arena.FundingPayment{AccountID: a.id, Symbol: f.Symbol, Rate: f.Rate, Amount: f.Amount, VenueRef: f.Ref}
	if p.Quantity > 0 {
		p.Funding += f.Amount
		pay.PositionID, pay.Side, pay.Quantity, pay.MarkPrice = p.ID, p.Side, p.Quantity, m.mark
	}
	pay.CashAfter = a.cash
	e.emitFunding(&pay)
	if p.Quantity > 0 {
		e.emitPosition(p)
	}
	e.markDirty(a)
	e.flush()
	return pay, nil
}
