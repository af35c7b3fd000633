package exchange

import (
	"fmt"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

// InputKind names an operation that changes the exchange.
type InputKind string

// The exchange's inputs: every public method that can change its state.
const (
	InputAdvance      InputKind = "advance"
	InputBooks        InputKind = "books"
	InputTrade        InputKind = "trade"
	InputStats        InputKind = "stats"
	InputOrder        InputKind = "order"
	InputCancel       InputKind = "cancel"
	InputExitPlan     InputKind = "plan"
	InputReset        InputKind = "reset"
	InputOpen         InputKind = "open"
	InputVenueFill    InputKind = "venueFill"
	InputVenueFunding InputKind = "venueFunding"
)

// Input is one call that changed (or tried to change) the exchange, as it
// was made: the exchange's state is a pure function of its restored state
// and its inputs in order, so a journal of them replays it exactly (see
// Apply). Only the fields of Kind are set.
type Input struct {
	Kind      InputKind           `json:"kind"`
	Time      time.Time           `json:"time"`
	Books     []arena.BookUpdate  `json:"books,omitempty"`
	Trade     *arena.TradePrint   `json:"trade,omitempty"`
	Stats     *arena.MarketStats  `json:"stats,omitempty"`
	Order     *arena.OrderRequest `json:"order,omitempty"`
	AccountID string              `json:"accountId,omitempty"`
	OrderID   string              `json:"orderId,omitempty"`
	Symbol    arena.Symbol        `json:"symbol,omitempty"`
	Plan      *arena.ExitPlan     `json:"plan,omitempty"`
	Capital   arena.Fixed         `json:"capital,omitempty"`
	Fill      *VenueFill          `json:"fill,omitempty"`
	Funding   *VenueFunding       `json:"funding,omitempty"`
}

// Journal receives every input while the exchange's lock is held, in the
// order the exchange applies them, before it applies each one; and, through
// the exchange's Sink, the batches they produce. Input must not block or
// call back into the Exchange, and must copy what it keeps (it may encode
// the input at once: its slices are the caller's).
type Journal interface {
	Input(in *Input)
}

// journal hands in to the configured journal. Callers check
// e.cfg.Journal first and build in (copying pointer arguments) only then:
// without a journal the arguments stay on the stack.
func (e *Exchange) journal(in *Input) { e.cfg.Journal.Input(in) }

// Apply makes the call in describes (journal.Verify replays a whole
// journal with it). Its result is the call's; an input that failed when it was recorded fails
// the same way here.
func (e *Exchange) Apply(in Input) error {
	var err error
	switch in.Kind {
	case InputAdvance:
		e.Advance(in.Time)
	case InputBooks:
		err = e.ApplyBooks(in.Time, in.Books)
	case InputTrade:
		if in.Trade == nil {
			return fmt.Errorf("journal: %s input without its trade", in.Kind)
		}
		err = e.ApplyTrade(in.Time, *in.Trade)
	case InputStats:
		if in.Stats == nil {
			return fmt.Errorf("journal: %s input without its stats", in.Kind)
		}
		err = e.ApplyStats(in.Time, *in.Stats)
	case InputOrder:
		if in.Order == nil {
			return fmt.Errorf("journal: %s input without its order", in.Kind)
		}
		_, err = e.SubmitOrder(in.Time, *in.Order)
	case InputCancel:
		_, err = e.CancelOrder(in.Time, in.AccountID, in.OrderID)
	case InputExitPlan:
		if in.Plan == nil {
			return fmt.Errorf("journal: %s input without its plan", in.Kind)
		}
		_, err = e.UpdateExitPlan(in.Time, in.AccountID, in.Symbol, *in.Plan)
	case InputReset:
		err = e.ResetAccountTo(in.Time, in.AccountID, in.Capital)
	case InputOpen:
		err = e.OpenAccount(in.AccountID)
	case InputVenueFill:
		if in.Fill == nil {
			return fmt.Errorf("journal: %s input without its fill", in.Kind)
		}
		_, err = e.BookVenueFill(in.Time, *in.Fill)
	case InputVenueFunding:
		if in.Funding == nil {
			return fmt.Errorf("journal: %s input without its funding", in.Kind)
		}
		_, err = e.BookVenueFunding(in.Time, *in.Funding)
	default:
		return fmt.Errorf("journal: unknown input kind %q", in.Kind)
	}
	return err
}

// Checkpoint runs f with the exchange's whole state, its books included,
// while holding its lock, so no input comes between the state f sees and
// what the journal receives next: the point where a journal is cut into
// segments (f must not call back into the Exchange). Restore of that state
// on a new exchange with the same configuration, then the same inputs,
// publishes exactly what this one does.
func (e *Exchange) Checkpoint(f func(arena.ExchangeState)) {
	e.mu.Lock()
	defer e.mu.Unlock()
	st := e.export()
	st.Markets = e.exportMarkets()
	f(st)
}
