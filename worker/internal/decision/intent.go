package decision

import (
	"context"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

// IntentKind is what an accepted decision asks the exchange to do.
type IntentKind string

// Intent kinds.
const (
	IntentOpen           IntentKind = "open"             // open or add to a position
	IntentClose          IntentKind = "close"            // close the whole position
	IntentUpdateExitPlan IntentKind = "update_exit_plan" // replace the position's exit plan
)

// Intent is a decision that passed every check. For IntentOpen, Side and
// Quantity are the new order; for close and update they are the position as
// held. RefPrice is the price the checks used. ExitPlan is the complete plan
// to store (for updates: the new stop, the new or kept target, and the
// original invalidation thesis, which an update never overwrites).
type Intent struct {
	Kind          IntentKind
	Symbol        arena.Symbol
	Side          arena.Side
	Quantity      arena.Fixed
	Leverage      arena.Fixed
	RefPrice      arena.Fixed
	ExitPlan      arena.ExitPlan
	CooldownUntil time.Time // opens: do not re-enter the symbol before this; zero when not given
	Reason        string    // the model's reason for an exit-plan update
}

// Outcome is what the executor reports for an intent it carried out.
type Outcome struct {
	Message     string      // shown to the model; optional
	FillPrice   arena.Fixed // average fill price; 0 for exit-plan updates
	Quantity    arena.Fixed // filled quantity
	RealizedPnL arena.Fixed // for closes
	// Account is the account after execution, when the executor has it;
	// later checks in the same decision then use it instead of projections.
	Account *arena.AccountSnapshot
}

// Executor carries out checked intents against the exchange. The agent loop
// implements it against the simulator. An error fails that intent with
// execution_error; its arena.ErrorMessage is shown to the model.
type Executor interface {
	Execute(ctx context.Context, in Intent) (Outcome, error)
}
