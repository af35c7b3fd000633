package lightertest

import (
	"math"
	"net/http"
	"slices"
	"strconv"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/lighter/signer"
	"github.com/autonome-go/autonome/worker/internal/lighter/venue"
)

// SetDepth limits how many lots one market order can take in a market (0:
// unlimited): a larger order fills partly and its remainder is cancelled.
func (v *Venue) SetDepth(market int16, lots int64) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.depth[market] = lots
}

// Trades returns every trade so far, oldest first.
func (v *Venue) Trades() []venue.Trade {
	v.mu.Lock()
	defer v.mu.Unlock()
	return slices.Clone(v.trades)
}

// fill executes lots of an account's order at the market's mark against an
// anonymous counterparty (account 1), moves the position, records the trade
// and streams it to the account's subscribers. Called with v.mu held.
func (v *Venue) fill(account int64, m int16, ask bool, clientIdx, orderIdx, lots int64, maker bool) {
	d := v.detail(m)
	signed := lots
	if ask {
		signed = -lots
	}
	v.pos(account)[m] += signed
	size := float64(lots) / math.Pow10(int(d.SizeDecimals))
	mark := v.marks[m]
	tr := venue.Trade{TradeID: int64(len(v.trades) + 1), Type: "trade", MarketID: m,
		Size:      strconv.FormatFloat(size, 'f', int(d.SizeDecimals), 64),
		Price:     strconv.FormatFloat(mark, 'f', int(d.PriceDecimals), 64),
		USDAmount: strconv.FormatFloat(size*mark, 'f', 6, 64), TakerFee: v.takerFee, MakerFee: v.makerFee,
		AskAccountID: 1, BidAccountID: 1, Timestamp: int64(len(v.trades) + 1)}
	if ask {
		tr.AskAccountID, tr.AskClientID, tr.AskID, tr.IsMakerAsk = account, clientIdx, orderIdx, maker
	} else {
		tr.BidAccountID, tr.BidClientID, tr.BidID, tr.IsMakerAsk = account, clientIdx, orderIdx, !maker
	}
	v.trades = append(v.trades, tr)
	rate := v.takerFee
	if maker {
		rate = v.makerFee
	}
	v.settle(account, m, ask, arena.MustFixed(tr.Size), arena.MustFixed(tr.Price), arena.MustFixed(tr.USDAmount), rate)
	v.publish(account, tr)
}

// book is an account's position in a market as the venue accounts for it.
type book struct {
	qty   arena.Fixed // signed
	entry arena.Fixed // average entry price
}

// settle moves the account's collateral by a fill: the fee (usd × rate in
// millionths) and the PnL realized by the part that reduces the position
// (against its average entry). Called with v.mu held.
func (v *Venue) settle(account int64, m int16, ask bool, size, price, usd arena.Fixed, rate int32) {
	if v.books[account] == nil {
		v.books[account] = map[int16]*book{}
	}
	b := v.books[account][m]
	if b == nil {
		b = &book{}
		v.books[account][m] = b
	}
	signed := size
	if ask {
		signed = -size
	}
	fee := usd.MulInt(int64(rate)).Div(arena.FixedInt(1_000_000))
	cash := -fee
	switch {
	case b.qty == 0 || (b.qty > 0) == (signed > 0): // opens or adds
		total := b.qty.Abs() + size
		b.entry = (b.entry.Mul(b.qty.Abs()) + price.Mul(size)).Div(total)
		b.qty += signed
	default: // reduces, closes or flips
		closed := min(size, b.qty.Abs())
		pnl := (price - b.entry).Mul(closed)
		if b.qty < 0 {
			pnl = -pnl
		}
		cash += pnl
		b.qty += signed
		if b.qty != 0 && (b.qty > 0) == (signed > 0) { // flipped: the rest opens at price
			b.entry = price
		}
	}
	v.collateral[account] += cash
}

// PayFunding pays (amount > 0) or charges (< 0) funding on an account's
// position in market m: its collateral moves, and the payment is listed by
// GET /api/v1/positionFunding with the next funding id, which it returns.
func (v *Venue) PayFunding(account int64, m int16, amount, rate string) int64 {
	v.mu.Lock()
	defer v.mu.Unlock()
	id := int64(len(v.fundings[account]) + 1)
	side := "long"
	if v.pos(account)[m] < 0 {
		side = "short"
	}
	v.fundings[account] = append(v.fundings[account], venue.PositionFunding{Timestamp: id, MarketID: m, FundingID: id,
		Change: amount, Rate: rate, PositionSize: strconv.FormatInt(abs(v.pos(account)[m]), 10), PositionSide: side, Discount: "0"})
	v.collateral[account] += arena.MustFixed(amount)
	return id
}

// positionFunding serves GET /api/v1/positionFunding, newest first.
func (v *Venue) positionFunding(w http.ResponseWriter, r *http.Request) {
	a, limit, ok := v.accountList(w, r, func(limit int64) bool { return limit >= 1 && limit <= 100 })
	if !ok {
		return
	}
	defer v.mu.Unlock()
	out := venue.PositionFundings{Code: 200, PositionFundings: []venue.PositionFunding{}}
	fs := v.fundings[a]
	for i := len(fs) - 1; i >= 0 && int64(len(out.PositionFundings)) < limit; i-- {
		out.PositionFundings = append(out.PositionFundings, fs[i])
	}
	reply(w, http.StatusOK, out)
}

// accountList reads an authenticated list query's account_index and limit
// (refusing a limit validLimit rejects) and, when ok, returns holding v.mu.
func (v *Venue) accountList(w http.ResponseWriter, r *http.Request, validLimit func(int64) bool) (account, limit int64, ok bool) {
	a, ok := qInt(r, "account_index")
	limit, ok2 := qInt(r, "limit")
	if !ok || !ok2 || !validLimit(limit) {
		fail(w, 21100, "account_index and a valid limit are required")
		return 0, 0, false
	}
	v.mu.Lock()
	if err := v.checkAuth(r.URL.Query().Get("auth"), a); err != nil {
		v.mu.Unlock()
		fail(w, 20013, err.Error())
		return 0, 0, false
	}
	return a, limit, true
}

// sweep fills the resting orders of market m that its new mark reaches:
// limits at or through their price (as maker), stop-loss and take-profit
// orders whose trigger it crossed (as taker; reduce-only ones capped at the
// position). Called with v.mu held.
func (v *Venue) sweep(m int16) {
	d := v.detail(m)
	mark := int64(math.Round(v.marks[m] * math.Pow10(int(d.PriceDecimals))))
	for account, orders := range v.orders {
		kept := orders[:0]
		for _, o := range orders {
			if o.MarketIndex != m || !reached(o, mark) {
				kept = append(kept, o)
				continue
			}
			lots, _ := strconv.ParseInt(o.RemainingBaseAmount, 10, 64)
			if o.ReduceOnly {
				p := v.pos(account)[m]
				if p == 0 || (p > 0) != o.IsAsk {
					continue // nothing left to reduce: the venue cancels it
				}
				lots = min(lots, abs(p))
			}
			typ, _ := strconv.Atoi(o.Type)
			v.fill(account, m, o.IsAsk, o.ClientOrderIndex, o.OrderIndex, lots, typ == signer.OrderLimit)
		}
		v.orders[account] = kept
	}
}

// reached reports whether a resting order executes at mark (in ticks).
func reached(o venue.Order, mark int64) bool {
	price, _ := strconv.ParseInt(o.Price, 10, 64)
	trig, _ := strconv.ParseInt(o.TriggerPrice, 10, 64)
	typ, _ := strconv.Atoi(o.Type)
	switch {
	case typ == signer.OrderLimit && o.IsAsk:
		return mark >= price
	case typ == signer.OrderLimit:
		return mark <= price
	case typ == signer.OrderStopLoss || typ == signer.OrderStopLossLimit:
		return (o.IsAsk && mark <= trig) || (!o.IsAsk && mark >= trig)
	case typ == signer.OrderTakeProfit || typ == signer.OrderTakeProfitLimit:
		return (o.IsAsk && mark >= trig) || (!o.IsAsk && mark <= trig)
	}
	return false
}

// tradesList serves GET /api/v1/trades for one account, newest first.
func (v *Venue) tradesList(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("sort_by") == "" {
		fail(w, 21100, "account_index, sort_by and limit are required")
		return
	}
	a, limit, ok := v.accountList(w, r, func(int64) bool { return true })
	if !ok {
		return
	}
	defer v.mu.Unlock()
	out := venue.Trades{Code: 200, Trades: []venue.Trade{}}
	for i := len(v.trades) - 1; i >= 0 && int64(len(out.Trades)) < limit; i-- {
		if t := v.trades[i]; t.AskAccountID == a || t.BidAccountID == a {
			out.Trades = append(out.Trades, t)
		}
	}
	reply(w, http.StatusOK, out)
}
