package arena

import "time"

// OrderType is how an order is priced.
type OrderType string

// Order types.
const (
	OrderMarket OrderType = "MARKET" // takes liquidity at any price until filled or the book runs out
	OrderLimit  OrderType = "LIMIT"  // takes liquidity up to Price; the rest follows TimeInForce
)

// TimeInForce says what happens to the part of a limit order that does not
// execute on arrival.
type TimeInForce string

// Time-in-force values.
const (
	GTC      TimeInForce = "GTC"       // rest the remainder until filled or cancelled
	IOC      TimeInForce = "IOC"       // cancel the remainder
	PostOnly TimeInForce = "POST_ONLY" // rest everything; rejected if it would take liquidity
)

// OrderState is where an order is in its life. Pending and Resting are live;
// the others are final.
type OrderState string

// Order states.
const (
	OrderPending   OrderState = "PENDING"   // accepted, travelling to the matching engine (latency)
	OrderResting   OrderState = "RESTING"   // on the book, possibly partly filled
	OrderFilled    OrderState = "FILLED"    // completely filled
	OrderCancelled OrderState = "CANCELLED" // ended before being completely filled; Filled may be > 0
	OrderRejected  OrderState = "REJECTED"  // refused when it reached the engine; Reason says why
)

// Final reports whether no further fills can happen.
func (s OrderState) Final() bool {
	return s == OrderFilled || s == OrderCancelled || s == OrderRejected
}

// Liquidity tells whether a fill added liquidity (maker) or took it (taker).
type Liquidity string

// Liquidity values.
const (
	Maker Liquidity = "MAKER"
	Taker Liquidity = "TAKER"
)

// OrderRequest is a command to trade. OrderID is the caller's client order id:
// unique per account, and the idempotency key (a request repeated with the
// same OrderID never executes twice).
type OrderRequest struct {
	AccountID string `json:"accountId"`
	OrderID   string `json:"orderId"`
	// PositionID names the position this order opens, if it opens one
	// (including the new side of a flip). Empty means OrderID.
	PositionID  string      `json:"positionId,omitempty"`
	Symbol      Symbol      `json:"symbol"`
	Side        Side        `json:"side"` // LONG buys, SHORT sells
	Type        OrderType   `json:"type"`
	TimeInForce TimeInForce `json:"timeInForce,omitempty"` // LIMIT only; empty means GTC
	Quantity    Fixed       `json:"quantity"`              // base units; a ClosePosition order's is set when it executes
	Price       Fixed       `json:"price,omitzero"`        // LIMIT only
	// Leverage applies to the margin of what this order opens: margin =
	// opened notional / Leverage. Zero means 1x.
	Leverage   Fixed `json:"leverage,omitzero"`
	ReduceOnly bool  `json:"reduceOnly,omitempty"` // never opens or increases; needs no margin
	// ClosePosition makes a reduce-only market order for the whole position
	// as it stands when the order reaches the engine.
	ClosePosition bool `json:"closePosition,omitempty"`
	// ExitPlan, when set, is attached to the position the order opens or
	// increases (subject to the tighten-only rule for stops); it is ignored
	// when the order only reduces a position.
	ExitPlan ExitPlan `json:"exitPlan,omitzero"`
}

// Order is the exchange's record of an order: the request plus its state.
// Quantities are base units; AvgPrice is the volume-weighted fill price.
type Order struct {
	OrderRequest
	State      OrderState   `json:"state"`
	Trigger    CloseTrigger `json:"trigger,omitempty"` // set on orders the exchange placed itself
	Filled     Fixed        `json:"filled"`
	AvgPrice   Fixed        `json:"avgPrice,omitzero"`
	Fees       Fixed        `json:"fees"`
	QueueAhead Fixed        `json:"queueAhead,omitzero"` // resting: displayed size still ahead at our price
	// Through marks a resting order priced through the venue's displayed
	// book when it rested (the size there was already taken by our own
	// orders): on the venue it would be taking, so it fills as a taker at
	// the venue's prices, until the venue's book no longer crosses it.
	Through     bool      `json:"through,omitempty"`
	Reason      string    `json:"reason,omitempty"`  // why rejected or cancelled
	SubmittedAt time.Time `json:"submittedAt"`       // when the command was received
	DueAt       time.Time `json:"dueAt"`             // when it reaches the engine (SubmittedAt + latency)
	CancelAt    time.Time `json:"cancelAt,omitzero"` // when a requested cancel reaches the engine
	UpdatedAt   time.Time `json:"updatedAt"`         // last state change
	Seq         uint64    `json:"seq"`               // record sequence of this version
	// Priority orders live orders in time: set when the order is accepted
	// with latency and again when it starts resting (exchange-assigned,
	// increasing). Restoring needs it to keep queues in the same order.
	Priority uint64 `json:"priority,omitempty"`
}

// Remaining is the quantity not yet filled.
func (o Order) Remaining() Fixed { return o.Quantity - o.Filled }

// Partial reports whether the order ended with some but not all of its
// quantity filled.
func (o Order) Partial() bool { return o.State == OrderCancelled && o.Filled > 0 }

// Fill is one execution of one of our orders. Side is the order's side. A
// fill that flips a position is recorded as two fills at the same price: the
// closing part (against the old position) and the opening part (the new one).
// Cash changes by RealizedPnL − Fee.
type Fill struct {
	Seq         uint64       `json:"seq"`
	Time        time.Time    `json:"time"`
	AccountID   string       `json:"accountId"`
	OrderID     string       `json:"orderId"`
	PositionID  string       `json:"positionId"`
	Symbol      Symbol       `json:"symbol"`
	Side        Side         `json:"side"`
	Price       Fixed        `json:"price"`
	Quantity    Fixed        `json:"quantity"`
	Notional    Fixed        `json:"notional"` // Price × Quantity
	Fee         Fixed        `json:"fee"`      // negative for a maker rebate
	RealizedPnL Fixed        `json:"realizedPnl"`
	Liquidity   Liquidity    `json:"liquidity"`
	Trigger     CloseTrigger `json:"trigger,omitempty"`
	CashAfter   Fixed        `json:"cashAfter"`
}
