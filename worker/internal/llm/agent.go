package llm

import (
	"context"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/decision"
	"github.com/autonome-go/autonome/worker/internal/indicators"
)

// Agent decides one turn for one account. It is implemented by ChatAgent
// (an LLM behind an OpenAI-compatible API) and by Baseline (a fixed rule).
//
// Decide always returns the turn's record. The error is non-nil exactly when
// the record's Failure is set; it is then an *Error whose Transient method
// tells a job runner whether trying again later could help. Decisions that
// were executed before a failure are in the record's ToolCalls.
type Agent interface {
	Decide(ctx context.Context, in Input, exec decision.Executor) (arena.Invocation, error)
}

// Input is everything an agent sees in one turn. The agent loop builds it;
// Market is the cycle's shared snapshot.
type Input struct {
	Now     time.Time
	Variant arena.Variant
	System  string // rendered system prompt
	User    string // rendered user prompt
	Market  *indicators.Snapshot
	Markets []arena.Market
	Prices  map[arena.Symbol]arena.Fixed // reference price per symbol for the checks
	Account arena.AccountSnapshot
	Limits  decision.RiskLimits
	// Cooldowns are the cooldown_until times of earlier decisions, by symbol.
	Cooldowns map[arena.Symbol]time.Time
}

func (in *Input) session(now func() time.Time) *decision.Session {
	return decision.NewSession(decision.Config{Markets: in.Markets, Prices: in.Prices, Account: in.Account, Limits: in.Limits,
		Cooldowns: in.Cooldowns, Now: now})
}
