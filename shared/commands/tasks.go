package commands

import (
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/hibiken/asynq"

	"github.com/autonome-go/autonome/shared/arena"
)

// Task types, named after the procedures that send them.
const (
	TypePlaceOrder   = "simulator:placeOrder"
	TypeResetAccount = "simulator:resetAccount"
	TypeLiveKill     = "live:kill"
)

// queueName is the commands queue of an arena without a Redis prefix.
const queueName = "commands"

// Queue returns the asynq queue commands travel on for an arena whose Redis
// keys start with prefix (config REDIS_PREFIX). asynq keys have no prefix of
// their own, so the queue name carries it: two arenas sharing one Redis never
// execute each other's commands. The API and the worker must both use it.
func Queue(prefix string) string { return prefix + queueName }

// Bounds of a client order id: printable, no spaces, so that it can be part
// of a task ID and a database key.
const maxIDLen = 64

// PlaceOrder is the payload of a TypePlaceOrder task: the reference's
// simulator.placeOrder input, normalised, plus the idempotency key.
type PlaceOrder struct {
	AccountID     string          `json:"accountId"`     // "Models".id
	ClientOrderID string          `json:"clientOrderId"` // idempotency key, unique per account
	Symbol        arena.Symbol    `json:"symbol"`
	Side          arena.Side      `json:"side"`
	Type          arena.OrderType `json:"type"`
	Quantity      arena.Fixed     `json:"quantity"`             // base units, > 0
	LimitPrice    arena.Fixed     `json:"limitPrice,omitzero"`  // LIMIT only
	Leverage      arena.Fixed     `json:"leverage,omitzero"`    // 0 means 1x
	Confidence    *float64        `json:"confidence,omitempty"` // 0–100 as the caller stated it; display only
	RequestedAt   time.Time       `json:"requestedAt"`
	// ExpiresAt is when the API stops waiting. A worker that receives the
	// task later must not execute it: the caller has been told TIMEOUT and
	// an order executed minutes late would surprise them.
	ExpiresAt time.Time `json:"expiresAt"`
}

// Validate checks the payload on its own; checks against the market (lot
// size, margin, the book) are the worker's.
func (p *PlaceOrder) Validate() error {
	switch {
	case p.AccountID == "":
		return arena.Errorf(arena.CodeInvalid, "accountId is required")
	case !validID(p.ClientOrderID):
		return arena.Errorf(arena.CodeInvalid, "clientOrderId must be 1-%d characters of letters, digits and -_.:", maxIDLen)
	case p.Symbol == "":
		return arena.Errorf(arena.CodeInvalid, "symbol is required")
	case !p.Side.Valid():
		return arena.Errorf(arena.CodeInvalid, "side must be LONG or SHORT")
	case p.Quantity <= 0:
		return arena.Errorf(arena.CodeInvalid, "quantity must be positive")
	case p.Leverage < 0:
		return arena.Errorf(arena.CodeInvalid, "leverage must not be negative")
	case p.Confidence != nil && (math.IsNaN(*p.Confidence) || *p.Confidence < 0 || *p.Confidence > 100):
		return arena.Errorf(arena.CodeInvalid, "confidence must be between 0 and 100")
	}
	switch p.Type {
	case arena.OrderMarket:
		if p.LimitPrice != 0 {
			return arena.Errorf(arena.CodeInvalid, "limitPrice is only valid for LIMIT orders")
		}
	case arena.OrderLimit:
		if p.LimitPrice <= 0 {
			return arena.Errorf(arena.CodeInvalid, "a LIMIT order needs a positive limitPrice")
		}
	default:
		return arena.Errorf(arena.CodeInvalid, "type must be MARKET or LIMIT")
	}
	return nil
}

// TaskID is the asynq task ID of the order: one task per account and client
// order id, so a retried request cannot enqueue the order twice.
func (p *PlaceOrder) TaskID() string { return "order:" + p.AccountID + ":" + p.ClientOrderID }

// OrderResult is what became of a placed order when the worker answered.
// Status is final (FILLED, CANCELLED with a partial fill, REJECTED) for
// market orders; a limit order may still be RESTING.
type OrderResult struct {
	ClientOrderID  string           `json:"clientOrderId"`
	AccountID      string           `json:"accountId"`
	Symbol         arena.Symbol     `json:"symbol"`
	Side           arena.Side       `json:"side"`
	Type           arena.OrderType  `json:"type"`
	Status         arena.OrderState `json:"status"`
	Quantity       arena.Fixed      `json:"quantity"`
	FilledQuantity arena.Fixed      `json:"filledQuantity"`
	AveragePrice   arena.Fixed      `json:"averagePrice"` // volume-weighted; 0 when nothing filled
	Fees           arena.Fixed      `json:"fees"`
	RealizedPnL    arena.Fixed      `json:"realizedPnl"` // gross, of the fills that reduced a position
	Reason         string           `json:"reason,omitempty"`
	Fills          []Fill           `json:"fills"`
	SubmittedAt    time.Time        `json:"submittedAt"`
	UpdatedAt      time.Time        `json:"updatedAt"`
}

// Fill is one execution of a placed order.
type Fill struct {
	Quantity  arena.Fixed     `json:"quantity"`
	Price     arena.Fixed     `json:"price"`
	Fee       arena.Fixed     `json:"fee"` // negative for a maker rebate
	Liquidity arena.Liquidity `json:"liquidity"`
	Time      time.Time       `json:"time"`
}

// ResetAccount is the payload of a TypeResetAccount task.
type ResetAccount struct {
	AccountID   string    `json:"accountId"`
	RequestID   string    `json:"requestId"` // idempotency key of this reset
	RequestedAt time.Time `json:"requestedAt"`
	ExpiresAt   time.Time `json:"expiresAt"` // as PlaceOrder.ExpiresAt
}

// Validate checks the payload.
func (r *ResetAccount) Validate() error {
	switch {
	case r.AccountID == "":
		return arena.Errorf(arena.CodeInvalid, "accountId is required")
	case !validID(r.RequestID):
		return arena.Errorf(arena.CodeInvalid, "requestId must be 1-%d characters of letters, digits and -_.:", maxIDLen)
	}
	return nil
}

// TaskID is the asynq task ID of the reset.
func (r *ResetAccount) TaskID() string { return "reset:" + r.AccountID + ":" + r.RequestID }

// ResetOutcome describes a completed reset.
type ResetOutcome struct {
	AccountID       string      `json:"accountId"`
	Capital         arena.Fixed `json:"capital"` // cash after the reset
	Epoch           int         `json:"epoch"`   // the account's ledger epoch after the reset
	ClosedPositions int         `json:"closedPositions"`
	CancelledOrders int         `json:"cancelledOrders"`
	ResetAt         time.Time   `json:"resetAt"`
}

// Failure is a coded, client-safe refusal the worker reports instead of an
// outcome: an unknown account, an invalid or expired command. Code is one of
// the arena's codes; the API maps it like any domain error.
type Failure struct {
	Code    arena.Code `json:"code"`
	Message string     `json:"message"`
}

// ErrExpired is the final outcome of a command the worker received after
// its expiry: it was not executed and never will be under this id, so it is
// a CONFLICT (send it again under a new id), not a TIMEOUT (which tells the
// client to send the same id again).
var ErrExpired = &Failure{Code: arena.CodeConflict,
	Message: "the command expired before the worker received it; it was not executed: send it again under a new id"}

// Err returns the failure as a coded domain error.
func (f *Failure) Err() error { return arena.Errorf(f.Code, "%s", f.Message) }

// PlaceOrderResult is the result a TypePlaceOrder task writes: exactly one
// of Order and Failure is set. A refused but well-formed order (insufficient
// margin, a stale book) is an Order with status REJECTED, not a Failure.
type PlaceOrderResult struct {
	Order   *OrderResult `json:"order,omitempty"`
	Failure *Failure     `json:"failure,omitempty"`
}

func (r PlaceOrderResult) outcome() (*OrderResult, *Failure) { return r.Order, r.Failure }

// ResetAccountResult is the result a TypeResetAccount task writes: exactly
// one of Reset and Failure is set.
type ResetAccountResult struct {
	Reset   *ResetOutcome `json:"reset,omitempty"`
	Failure *Failure      `json:"failure,omitempty"`
}

func (r ResetAccountResult) outcome() (*ResetOutcome, *Failure) { return r.Reset, r.Failure }

// NewPlaceOrderTask encodes p as a task.
func NewPlaceOrderTask(p PlaceOrder) (*asynq.Task, error) {
	b, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("encode placeOrder: %w", err)
	}
	return asynq.NewTask(TypePlaceOrder, b), nil
}

// NewResetAccountTask encodes r as a task.
func NewResetAccountTask(r ResetAccount) (*asynq.Task, error) {
	b, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("encode resetAccount: %w", err)
	}
	return asynq.NewTask(TypeResetAccount, b), nil
}

func validID(s string) bool {
	if s == "" || len(s) > maxIDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == ':'
		if !ok {
			return false
		}
	}
	return true
}

// LiveKill is the payload of a TypeLiveKill task: turn the kill switch of a
// model trading live on (TRADING_MODE=live): its open orders on the venue
// are cancelled and new ones refused until the worker restarts without
// LIVE_KILL. Model is "name/variant"; empty: every live model.
type LiveKill struct {
	Model       string    `json:"model,omitempty"`
	Reason      string    `json:"reason,omitempty"`
	RequestID   string    `json:"requestId"`
	RequestedAt time.Time `json:"requestedAt"`
	ExpiresAt   time.Time `json:"expiresAt"` // as PlaceOrder.ExpiresAt
}

// Bounds of a kill's model (name/variant) and reason (it goes to the log).
const (
	MaxKillModel  = 200
	MaxKillReason = 500
)

// Validate checks the payload.
func (k *LiveKill) Validate() error {
	switch {
	case !validID(k.RequestID):
		return arena.Errorf(arena.CodeInvalid, "requestId must be 1-%d characters of letters, digits and -_.:", maxIDLen)
	case len(k.Model) > MaxKillModel:
		return arena.Errorf(arena.CodeInvalid, "model must be name/variant")
	case len(k.Reason) > MaxKillReason:
		return arena.Errorf(arena.CodeInvalid, "reason must be at most %d bytes", MaxKillReason)
	}
	return nil
}

// TaskID is the asynq task ID of the kill.
func (k *LiveKill) TaskID() string { return "livekill:" + k.RequestID }

// LiveKillOutcome is what the kill did: the switch is on for every model
// listed; Error says where cancelling the open orders on the venue failed
// (new orders are refused all the same).
type LiveKillOutcome struct {
	Models []KilledModel `json:"models"`
}

// KilledModel is one model whose kill switch is on.
type KilledModel struct {
	Model     string `json:"model"` // name/variant
	AccountID string `json:"accountId"`
	Error     string `json:"error,omitempty"` // cancelling its open orders failed
}

// LiveKillResult is the result a TypeLiveKill task writes: exactly one of
// Kill and Failure is set.
type LiveKillResult struct {
	Kill    *LiveKillOutcome `json:"kill,omitempty"`
	Failure *Failure         `json:"failure,omitempty"`
}

func (r LiveKillResult) outcome() (*LiveKillOutcome, *Failure) { return r.Kill, r.Failure }

// NewLiveKillTask encodes k as a task.
func NewLiveKillTask(k LiveKill) (*asynq.Task, error) {
	b, err := json.Marshal(k)
	if err != nil {
		return nil, fmt.Errorf("encode liveKill: %w", err)
	}
	return asynq.NewTask(TypeLiveKill, b), nil
}
