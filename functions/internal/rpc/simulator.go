package rpc

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/commands"
	"github.com/autonome-go/autonome/shared/views"
)

// quoteCurrency is the currency accounts are kept in.
const quoteCurrency = "USDT"

// PlaceOrderInput is simulator.placeOrder's input: the reference's V1
// fields plus an optional client order id. Sending the same clientOrderId
// again (after a TIMEOUT, or a lost answer) returns the first attempt's
// result and never places a second order; without one the API makes one up
// and the request is not retry-safe.
type PlaceOrderInput struct {
	AccountID     string       `json:"accountId,omitempty"`
	Symbol        string       `json:"symbol"`
	Quantity      decimalInput `json:"quantity"`
	Side          string       `json:"side"`           // buy, sell, long or short
	Type          string       `json:"type,omitempty"` // market (default) or limit
	LimitPrice    decimalInput `json:"limitPrice"`
	Price         decimalInput `json:"price"` // the reference's alias of limitPrice
	Leverage      decimalInput `json:"leverage"`
	Confidence    *float64     `json:"confidence,omitempty"` // 0–100
	ClientOrderID string       `json:"clientOrderId,omitempty"`

	order commands.PlaceOrder // the validated command, without its id and times
}

// Validate checks every field and builds the command.
func (in *PlaceOrderInput) Validate() error {
	var list []*Issue
	add := func(field, format string, args ...any) {
		list = append(list, &Issue{Path: []any{field}, Message: fmt.Sprintf(format, args...)})
	}
	o := &in.order
	o.AccountID, o.ClientOrderID = in.AccountID, in.ClientOrderID
	if in.AccountID == "" {
		add("accountId", "required: every model trades its own account; pass the model's id (models.getModels)")
	}
	o.Symbol = arena.NormalizeSymbol(in.Symbol)
	market, err := arena.MarketBySymbol(arena.DefaultMarkets(), o.Symbol)
	if err != nil {
		add("symbol", "unknown symbol %q: expected one of %s", in.Symbol, symbolList())
	}
	if v, problem := in.Quantity.positive(); problem != "" {
		add("quantity", "%s", problem)
	} else {
		o.Quantity = v
	}
	if o.Side, err = arena.ParseSide(in.Side); err != nil {
		add("side", "invalid enum value %q: expected buy, sell, long or short", in.Side)
	}
	price := in.LimitPrice
	if !price.set {
		price = in.Price
	} else if in.Price.set {
		add("price", "send limitPrice or price (its alias), not both")
	}
	switch strings.ToLower(in.Type) {
	case "", "market":
		o.Type = arena.OrderMarket
		if price.set {
			add("limitPrice", "only a limit order takes a limit price")
		}
	case "limit":
		o.Type = arena.OrderLimit
		if v, problem := price.positive(); problem == "required" {
			add("limitPrice", "required for a limit order")
		} else if problem != "" {
			add("limitPrice", "%s", problem)
		} else {
			o.LimitPrice = v
		}
	default:
		add("type", "invalid enum value %q: expected market or limit", in.Type)
	}
	if lev := in.Leverage; lev.set {
		maxLev := market.MaxLeverage()
		switch {
		case lev.bad != "":
			add("leverage", "%s", lev.bad)
		case lev.value < arena.One || (err == nil && lev.value > maxLev):
			add("leverage", "must be between 1 and %s", maxLev)
		default:
			o.Leverage = lev.value
		}
	}
	if c := in.Confidence; c != nil {
		if math.IsNaN(*c) || *c < 0 || *c > 100 {
			add("confidence", "must be between 0 and 100")
		}
		o.Confidence = c
	}
	if in.ClientOrderID != "" {
		probe := commands.PlaceOrder{AccountID: "x", ClientOrderID: in.ClientOrderID, Symbol: "X", Side: arena.Long,
			Type: arena.OrderMarket, Quantity: 1}
		if probe.Validate() != nil {
			add("clientOrderId", "must be 1-64 characters of letters, digits and -_.:")
		}
	}
	return issues(list...)
}

// positive returns a required, strictly positive decimal, or what is wrong
// with it ("required", a parse problem, or "must be greater than 0").
func (d decimalInput) positive() (arena.Fixed, string) {
	switch {
	case !d.set:
		return 0, "required"
	case d.bad != "":
		return 0, d.bad
	case d.value <= 0:
		return 0, "must be greater than 0"
	}
	return d.value, ""
}

func symbolList() string {
	var s []string
	for _, sym := range arena.Symbols(arena.DefaultMarkets()) {
		s = append(s, string(sym))
	}
	return strings.Join(s, ", ")
}

// PlaceOrderOutput is simulator.placeOrder's output.
type PlaceOrderOutput struct {
	Order OrderItem `json:"order"`
}

// OrderItem is the reference's SimulatedOrderResult plus the order's ids
// and times. Status is filled, partial, rejected, cancelled, resting or
// pending.
type OrderItem struct {
	ID            string      `json:"id"`
	ClientOrderID string      `json:"clientOrderId"`
	AccountID     string      `json:"accountId"`
	Symbol        string      `json:"symbol"`
	Side          string      `json:"side"` // buy or sell
	Type          string      `json:"type"` // market or limit
	Status        string      `json:"status"`
	Quantity      arena.Fixed `json:"quantity"`      // requested
	TotalQuantity arena.Fixed `json:"totalQuantity"` // filled
	AveragePrice  arena.Fixed `json:"averagePrice"`
	TotalFees     arena.Fixed `json:"totalFees"`
	RealizedPnl   arena.Fixed `json:"realizedPnl"`
	Reason        string      `json:"reason,omitempty"`
	Fills         []FillItem  `json:"fills"`
	SubmittedAt   string      `json:"submittedAt"`
	UpdatedAt     string      `json:"updatedAt"`
}

// FillItem is one execution.
type FillItem struct {
	Quantity arena.Fixed `json:"quantity"`
	Price    arena.Fixed `json:"price"`
	Maker    bool        `json:"maker"`
	Fee      arena.Fixed `json:"fee"`
}

func (a *api) placeOrder(ctx context.Context, in PlaceOrderInput) (PlaceOrderOutput, error) {
	if err := a.requireAccount(ctx, in.AccountID); err != nil {
		return PlaceOrderOutput{}, err
	}
	o := in.order
	if o.ClientOrderID == "" {
		o.ClientOrderID = a.NewID()
	}
	ctx, cancel, err := a.commandContext(ctx, &o.RequestedAt, &o.ExpiresAt)
	if err != nil {
		return PlaceOrderOutput{}, err
	}
	defer cancel()
	res, err := a.Commands.PlaceOrder(ctx, o)
	if err != nil {
		return PlaceOrderOutput{}, err
	}
	return PlaceOrderOutput{Order: orderItem(res)}, nil
}

func orderItem(r commands.OrderResult) OrderItem {
	side := "buy"
	if r.Side == arena.Short {
		side = "sell"
	}
	status := strings.ToLower(string(r.Status))
	if r.Status == arena.OrderCancelled && r.FilledQuantity > 0 {
		status = "partial"
	}
	item := OrderItem{ID: r.ClientOrderID, ClientOrderID: r.ClientOrderID, AccountID: r.AccountID, Symbol: string(r.Symbol),
		Side: side, Type: strings.ToLower(string(r.Type)), Status: status, Quantity: r.Quantity, TotalQuantity: r.FilledQuantity,
		AveragePrice: r.AveragePrice, TotalFees: r.Fees, RealizedPnl: r.RealizedPnL, Reason: r.Reason,
		Fills: make([]FillItem, 0, len(r.Fills)), SubmittedAt: ISO(r.SubmittedAt), UpdatedAt: ISO(r.UpdatedAt)}
	for _, f := range r.Fills {
		item.Fills = append(item.Fills, FillItem{Quantity: f.Quantity, Price: f.Price, Maker: f.Liquidity == arena.Maker, Fee: f.Fee})
	}
	return item
}

// commandContext bounds a command by the configured timeout and stamps it.
// Command deadlines are real time (the worker compares them with its own
// clock), never the injectable clock the reads use.
func (a *api) commandContext(ctx context.Context, requested, expires *time.Time) (context.Context, context.CancelFunc, error) {
	if a.Commands == nil {
		return nil, nil, arena.Errorf(arena.CodeUnavailable, "the command queue is not configured")
	}
	now := time.Now()
	*requested, *expires = now, now.Add(a.opts.CommandTimeout)
	ctx, cancel := context.WithTimeout(ctx, a.opts.CommandTimeout)
	return ctx, cancel, nil
}

// requireAccount answers NOT_FOUND for an unknown account before anything
// is sent to the worker.
func (a *api) requireAccount(ctx context.Context, id string) error {
	accts, err := a.DB.Accounts(ctx, []string{id})
	if err != nil {
		return dbErr(err, "the account")
	}
	if len(accts) == 0 {
		return arena.Errorf(arena.CodeNotFound, "account %q does not exist", id)
	}
	return nil
}

// AccountInput is simulator.getAccount's and simulator.resetAccount's input.
type AccountInput struct {
	AccountID string `json:"accountId,omitempty"`
}

// Validate requires the account id (optional in the reference, which had a
// single default account).
func (in *AccountInput) Validate() error {
	if in.AccountID == "" {
		return Invalid(Issue{Path: []any{"accountId"}, Message: "required: every model trades its own account; pass the model's id (models.getModels)"})
	}
	return nil
}

// AccountOutput is simulator.getAccount's output: the snapshot wrapped in
// "account", as the reference returns it.
type AccountOutput struct {
	Account AccountSnapshot `json:"account"`
}

// AccountSnapshot is the reference's AccountSnapshot, valued at the live
// marks, plus the ledger totals. marginBalance is the margin held by open
// positions; borrowedBalance is max(−cash, 0).
type AccountSnapshot struct {
	AccountID          string            `json:"accountId"`
	CashBalance        arena.Fixed       `json:"cashBalance"`
	AvailableCash      arena.Fixed       `json:"availableCash"`
	BorrowedBalance    arena.Fixed       `json:"borrowedBalance"`
	Equity             arena.Fixed       `json:"equity"`
	MarginBalance      arena.Fixed       `json:"marginBalance"`
	QuoteCurrency      string            `json:"quoteCurrency"`
	Positions          []AccountPosition `json:"positions"`
	TotalRealizedPnl   arena.Fixed       `json:"totalRealizedPnl"`
	TotalUnrealizedPnl arena.Fixed       `json:"totalUnrealizedPnl"`
	TotalFundingPnl    arena.Fixed       `json:"totalFundingPnl"`
	InitialCapital     arena.Fixed       `json:"initialCapital"`
	FeesPaid           arena.Fixed       `json:"feesPaid"`
	Epoch              int               `json:"epoch"`
	Warning            string            `json:"warning,omitempty"`
}

// AccountPosition is the reference's PositionSummary.
type AccountPosition struct {
	Symbol        arena.Symbol  `json:"symbol"`
	Quantity      arena.Fixed   `json:"quantity"`
	Side          arena.Side    `json:"side"` // LONG or SHORT
	AvgEntryPrice arena.Fixed   `json:"avgEntryPrice"`
	RealizedPnl   arena.Fixed   `json:"realizedPnl"` // funding received on this position so far, minus its fees
	UnrealizedPnl *arena.Fixed  `json:"unrealizedPnl"`
	MarkPrice     *arena.Fixed  `json:"markPrice"`
	Margin        arena.Fixed   `json:"margin"`
	Notional      *arena.Fixed  `json:"notional"`
	Leverage      *arena.Fixed  `json:"leverage"`
	ExitPlan      *ExitPlanFlat `json:"exitPlan"`
}

// ExitPlanFlat is the reference simulator's exit plan shape.
type ExitPlanFlat struct {
	Stop         *arena.Fixed `json:"stop"`
	Target       *arena.Fixed `json:"target"`
	Invalidation *string      `json:"invalidation"`
}

func (a *api) getAccount(ctx context.Context, in AccountInput) (AccountOutput, error) {
	snap, err := a.accountSnapshot(ctx, in.AccountID)
	return AccountOutput{Account: snap}, err
}

// accountSnapshot reads an account from the ledger and values it.
func (a *api) accountSnapshot(ctx context.Context, id string) (AccountSnapshot, error) {
	accts, err := a.DB.Accounts(ctx, []string{id})
	if err != nil {
		return AccountSnapshot{}, dbErr(err, "the account")
	}
	if len(accts) == 0 {
		return AccountSnapshot{}, arena.Errorf(arena.CodeNotFound, "account %q does not exist", id)
	}
	ac := accts[0]
	pos, err := a.DB.OpenPositions(ctx, []string{ac.AccountID})
	if err != nil {
		return AccountSnapshot{}, dbErr(err, "positions")
	}
	marks, warning := a.marks(ctx)
	out := AccountSnapshot{AccountID: ac.AccountID, CashBalance: ac.Cash, BorrowedBalance: max(-ac.Cash, 0),
		QuoteCurrency: quoteCurrency, Positions: make([]AccountPosition, 0, len(pos)), TotalRealizedPnl: ac.RealizedPnL,
		TotalFundingPnl: ac.Funding, InitialCapital: ac.Capital, FeesPaid: ac.Fees, Epoch: ac.Epoch, Warning: warning}
	for i := range pos {
		item, upnl, err := views.ValuePosition(&pos[i], marks)
		if err != nil {
			return AccountSnapshot{}, err
		}
		out.TotalUnrealizedPnl += upnl
		out.MarginBalance += item.Margin
		out.Positions = append(out.Positions, accountPosition(&pos[i], item))
	}
	out.Equity = ac.Cash + out.TotalUnrealizedPnl
	out.AvailableCash = max(out.Equity-out.MarginBalance, 0)
	return out, nil
}

func accountPosition(p *arena.Position, v PositionItem) AccountPosition {
	ap := AccountPosition{Symbol: p.Symbol, Quantity: p.Quantity, Side: p.Side, AvgEntryPrice: p.EntryPrice,
		RealizedPnl: p.Funding - p.Fees, UnrealizedPnl: v.UnrealizedPnl, MarkPrice: v.CurrentPrice, Margin: v.Margin,
		Notional: v.Notional, Leverage: v.Leverage}
	if e := p.ExitPlan; e.Stop != 0 || e.Target != 0 || e.Invalidation != "" {
		flat := &ExitPlanFlat{}
		if e.Stop > 0 {
			flat.Stop = &e.Stop
		}
		if e.Target > 0 {
			flat.Target = &e.Target
		}
		if e.Invalidation != "" {
			flat.Invalidation = &e.Invalidation
		}
		ap.ExitPlan = flat
	}
	return ap
}

// ResetOutput is simulator.resetAccount's output: the reference's
// {account} (the snapshot read back from the ledger once the worker has
// written the reset) plus what the worker did.
type ResetOutput struct {
	Account         AccountSnapshot `json:"account"`
	Success         bool            `json:"success"`
	Message         string          `json:"message,omitempty"`
	AccountID       string          `json:"accountId"`
	Capital         arena.Fixed     `json:"capital"`
	Epoch           int             `json:"epoch"`
	ClosedPositions int             `json:"closedPositions"`
	CancelledOrders int             `json:"cancelledOrders"`
	ResetAt         string          `json:"resetAt"`
}

func (a *api) resetAccount(ctx context.Context, in AccountInput) (ResetOutput, error) {
	if err := a.requireAccount(ctx, in.AccountID); err != nil {
		return ResetOutput{}, err
	}
	cmd := commands.ResetAccount{AccountID: in.AccountID, RequestID: a.NewID()}
	ctx, cancel, err := a.commandContext(ctx, &cmd.RequestedAt, &cmd.ExpiresAt)
	if err != nil {
		return ResetOutput{}, err
	}
	defer cancel()
	res, err := a.Commands.ResetAccount(ctx, cmd)
	if err != nil {
		return ResetOutput{}, err
	}
	snap, err := a.accountSnapshot(ctx, in.AccountID)
	if err != nil {
		// The reset happened: never answer "failed" for it. Show the fresh
		// account the reset made instead of the ledger's copy.
		snap = AccountSnapshot{AccountID: res.AccountID, CashBalance: res.Capital, AvailableCash: res.Capital,
			Equity: res.Capital, QuoteCurrency: quoteCurrency, Positions: []AccountPosition{}, InitialCapital: res.Capital,
			Epoch: res.Epoch, Warning: "the account could not be read back after the reset; these are the reset's values"}
	}
	return ResetOutput{Account: snap, Success: true, Message: fmt.Sprintf("account reset to %s %s", res.Capital, quoteCurrency),
		AccountID: res.AccountID, Capital: res.Capital, Epoch: res.Epoch, ClosedPositions: res.ClosedPositions,
		CancelledOrders: res.CancelledOrders, ResetAt: ISO(res.ResetAt)}, nil
}
