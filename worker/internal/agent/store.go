package agent

import (
	"context"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

// The Runner's needs of the database, declared here so the Runner depends
// on what it uses rather than on the adapter (postgres.Agents provides
// Store, postgres.Reader ConversationReader).

// Journal records decisions: each begins as a running row (one per model
// and cycle slot, so a duplicate delivery is refused) and ends once.
type Journal interface {
	BeginInvocation(ctx context.Context, id, modelID, cycleSlot string, startedAt, staleBefore time.Time) error
	FinishInvocation(ctx context.Context, f arena.FinishedInvocation) error
	FailInvocation(ctx context.Context, id, modelID string, f arena.Failure, at time.Time) error
}

// Outcomes tells how an earlier decision of a cycle slot ended.
type Outcomes interface {
	InvocationStatus(ctx context.Context, modelID, cycleSlot string) (status string, ok bool, err error)
	LastSlotFailure(ctx context.Context, modelID, cycleSlot string) (*arena.Failure, error)
}

// ModelReader lists the models with the counters a decision shows them.
type ModelReader interface {
	AgentModels(ctx context.Context) ([]arena.AgentModel, error)
}

// EquityReader reads the equity history behind the standings and the
// Sharpe ratio a decision shows.
type EquityReader interface {
	FirstEquitySince(ctx context.Context, ids []string, from time.Time) (map[string]arena.Fixed, error)
	EquityCloses(ctx context.Context, ids []string, from time.Time) (map[string][]int64, error)
}

// DecisionReader reads a model's earlier decisions within the decision window.
type DecisionReader interface {
	RecentDecisions(ctx context.Context, model string, since time.Time, limit int) ([]arena.DecisionCall, error)
}

// Store is everything a Runner reads and writes besides the exchange.
type Store interface {
	Journal
	Outcomes
	ModelReader
	EquityReader
	DecisionReader
	FillReader
}

// ConversationReader reads the latest recorded conversations, which seed
// the conversations channel's state.
type ConversationReader interface {
	Invocations(ctx context.Context, f arena.InvocationFilter) ([]arena.InvocationRecord, error)
}
