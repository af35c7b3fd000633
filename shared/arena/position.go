package arena

import (
	"math"
	"time"
)

// CloseTrigger says why a position was reduced or closed by the exchange
// itself. The empty trigger is a close the account asked for (the "Orders"
// table's null closeTrigger).
type CloseTrigger string

// Close triggers.
const (
	TriggerNone         CloseTrigger = ""
	TriggerStop         CloseTrigger = "STOP"
	TriggerTarget       CloseTrigger = "TARGET"
	TriggerInvalidation CloseTrigger = "INVALIDATION"
	TriggerTime         CloseTrigger = "TIME"
	TriggerLiquidation  CloseTrigger = "LIQUIDATION"
	TriggerReset        CloseTrigger = "RESET" // discarded by an account reset; nothing was traded
)

// ExitPlan is the plan an agent attaches to a position. Zero prices and a
// zero TimeExit mean "not set". The exchange closes the position at market
// when the mark reaches Stop (LONG: mark ≤ Stop), InvalidationPrice (same
// direction as a stop) or Target (LONG: mark ≥ Target), or when the clock
// reaches TimeExit; a stop wins over the others when several hold at once.
type ExitPlan struct {
	Stop              Fixed     `json:"stop,omitzero"`
	Target            Fixed     `json:"target,omitzero"`
	Invalidation      string    `json:"invalidation,omitempty"` // free text for the agent; never evaluated
	InvalidationPrice Fixed     `json:"invalidationPrice,omitzero"`
	TimeExit          time.Time `json:"timeExit,omitzero"` // deadline
	// Confidence is the agent's own estimate in [0, 1]; display only.
	Confidence float64 `json:"confidence,omitempty"`
}

// IsZero reports whether no field is set.
func (p ExitPlan) IsZero() bool {
	return p.Stop == 0 && p.Target == 0 && p.Invalidation == "" && p.InvalidationPrice == 0 &&
		p.TimeExit.IsZero() && p.Confidence == 0
}

// Validate checks the plan on its own (signs and finiteness). Checks against
// the market (tick, the side of the mark, tighten-only stops) are the
// exchange's.
func (p ExitPlan) Validate() error {
	switch {
	case p.Stop < 0 || p.Target < 0 || p.InvalidationPrice < 0:
		return Errorf(CodeInvalid, "exit plan prices must not be negative")
	case math.IsNaN(p.Confidence) || math.IsInf(p.Confidence, 0):
		return Errorf(CodeInvalid, "exit plan confidence must be a finite number")
	case p.Confidence < 0 || p.Confidence > 1:
		return Errorf(CodeInvalid, "exit plan confidence %v is outside [0, 1]", p.Confidence)
	}
	return nil
}

// PositionStatus is the "OrderStatus" of the reference's "Orders" table: an
// OPEN row is a position, a CLOSED row a finished trade.
type PositionStatus string

// Position statuses.
const (
	PositionOpen   PositionStatus = "OPEN"
	PositionClosed PositionStatus = "CLOSED"
)

// Position is the state of one position of one account in one symbol
// (positions net per account and symbol). It is both the record the exchange
// emits after every change and the input to restoring the exchange, so it
// carries everything the exchange needs to continue exactly.
//
// Margin is the initial margin held: each opening fill adds its notional
// divided by its order's leverage, each reducing fill releases a pro-rata
// share. Leverage is derived: entry notional / Margin.
type Position struct {
	ID         string         `json:"id"`
	AccountID  string         `json:"accountId"`
	Symbol     Symbol         `json:"symbol"`
	Side       Side           `json:"side"`
	Status     PositionStatus `json:"status"`
	Quantity   Fixed          `json:"quantity"`   // open base quantity, never negative; 0 when closed
	EntryPrice Fixed          `json:"entryPrice"` // volume-weighted average entry price
	Margin     Fixed          `json:"margin"`
	Leverage   Fixed          `json:"leverage"`
	ExitPlan   ExitPlan       `json:"exitPlan"`
	OpenedAt   time.Time      `json:"openedAt"`
	// Lifetime totals over every fill and funding payment of this position.
	ClosedQuantity Fixed        `json:"closedQuantity"`
	ExitPrice      Fixed        `json:"exitPrice,omitzero"` // volume-weighted average price of the reducing fills
	RealizedPnL    Fixed        `json:"realizedPnl"`        // gross: before fees and funding
	Fees           Fixed        `json:"fees"`
	Funding        Fixed        `json:"funding"` // received (+) or paid (−)
	CloseTrigger   CloseTrigger `json:"closeTrigger,omitempty"`
	ClosedAt       time.Time    `json:"closedAt,omitzero"`
	UpdatedAt      time.Time    `json:"updatedAt"`
	Seq            uint64       `json:"seq"` // record sequence of this version
}

// Signed returns the quantity with the side's sign: positive LONG, negative SHORT.
func (p Position) Signed() Fixed {
	if p.Side == Short {
		return -p.Quantity
	}
	return p.Quantity
}

// ClosedTrade reports whether p is a finished trade: closed, and not by an
// account reset (which discards positions: nothing was traded). Every
// count of trades uses this rule; the SQL views that count trades
// ("closeTrigger" IS DISTINCT FROM 'RESET', migrations 00006 and the
// readers in shared/postgres) state the same one.
func (p Position) ClosedTrade() bool {
	return p.Status == PositionClosed && p.CloseTrigger != TriggerReset
}

// NetPnL is the position's result so far after fees and funding:
// RealizedPnL − Fees + Funding.
func (p Position) NetPnL() Fixed { return p.RealizedPnL - p.Fees + p.Funding }

// PositionSnapshot is a position valued at the current mark, for reads.
type PositionSnapshot struct {
	Position
	Mark          Fixed `json:"mark"`
	Notional      Fixed `json:"notional"` // Quantity × Mark
	UnrealizedPnL Fixed `json:"unrealizedPnl"`
	// LiquidationPrice estimates the mark of this symbol at which the account
	// would be liquidated if every other mark stayed where it is; zero when
	// no such positive price exists.
	LiquidationPrice Fixed `json:"liquidationPrice,omitzero"`
}
