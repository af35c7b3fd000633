package agent

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/decision"
	"github.com/autonome-go/autonome/worker/internal/indicators"
	"github.com/autonome-go/autonome/worker/internal/llm"
	"github.com/autonome-go/autonome/worker/internal/prompt"
)

// The shared core of a decision. The live Runner gathers a Turn from
// PostgreSQL and the simulator; a season (worker/internal/season) gathers
// it from its own recorded state. Both then build the model's input, check
// and execute its tool calls and derive the next turn's history with the
// same functions below, so a season replays exactly what the arena runs.

// Turn is everything one decision's input is built from.
type Turn struct {
	Now             time.Time
	Model           arena.AgentModel
	System          string // the seat's rendered system prompt (SystemPrompt)
	Limits          decision.RiskLimits
	IntervalMinutes int
	Account         arena.AccountSnapshot
	Market          *indicators.Snapshot // the cycle's shared market intelligence
	Markets         []arena.Market
	Prices          []arena.Price
	Standings       Standings
	Closes          []int64              // the model's 5-minute equity closes over the Sharpe window, cents, oldest first
	Calls           []arena.DecisionCall // its earlier createPosition calls within the decision window, newest first
}

// BuildInput renders the user prompt of t and returns the agent's input.
func BuildInput(p *prompt.Set, t Turn) (llm.Input, error) {
	m := t.Model
	past := pastDecisions(t.Calls)
	prices := make(map[arena.Symbol]arena.Fixed, len(t.Markets))
	for _, pr := range t.Prices {
		prices[pr.Symbol] = pr.Price
	}
	user, err := p.User(prompt.UserData{
		Now:             t.Now,
		StartedAt:       t.Now.Add(-time.Duration(m.TotalMinutes) * time.Minute),
		Invocations:     m.InvocationCount,
		IntervalMinutes: t.IntervalMinutes,
		InitialCapital:  t.Account.Capital,
		Account:         t.Account,
		Market:          t.Market,
		Performance:     performance(t.Account, t.Closes),
		Competition:     competition(t.Standings[m.Variant], m.Variant, m.ID),
		Limits:          t.Limits,
		Decisions:       decisionIndex(past),
	})
	if err != nil {
		return llm.Input{}, err
	}
	return llm.Input{Now: t.Now, Variant: m.Variant, System: t.System, User: user, Market: t.Market, Markets: t.Markets,
		Prices: prices, Account: t.Account, Limits: t.Limits, Cooldowns: cooldownsFrom(past, t.Now)}, nil
}

// SystemPrompt renders a seat's system prompt, once per seat.
func SystemPrompt(p *prompt.Set, s llm.Seat, markets []arena.Market, intervalMinutes int) (string, error) {
	return p.System(s.Entry.Variant, prompt.SystemData{Name: s.Entry.Name, Symbols: arena.Symbols(markets),
		IntervalMinutes: intervalMinutes, Limits: s.Limits})
}

// IntervalMinutes is the trade interval as the prompts state it.
func IntervalMinutes(interval time.Duration) int { return max(1, int(interval/time.Minute)) }

// Standings are the ranked accounts of each variant's competition.
type Standings map[arena.Variant][]standing

// RankStandings ranks the active models' accounts per variant; windowStart
// is each account's first equity of the leaderboard window (its capital when
// absent).
func RankStandings(models []arena.AgentModel, snaps []arena.AccountSnapshot, windowStart map[string]arena.Fixed) Standings {
	return rankStandings(models, snaps, windowStart)
}

// StandingsWindow and SharpeWindow are how far back a turn's standings and
// equity closes reach.
const (
	StandingsWindow = standingsWindow
	SharpeWindow    = sharpeWindow
	DecisionWindow  = decisionWindow
	DecisionLookups = decisionLookups
)

// FillReader reads the ledger's fills of an order (amount = realized PnL
// minus fee), for the realized PnL a close reports.
type FillReader interface {
	OrderFills(ctx context.Context, modelID, orderID string) ([]arena.LedgerFill, error)
}

// NewExecutor returns the executor of decision d of account on trader: the
// one the live Runner uses. log may be nil.
func NewExecutor(trader Trader, fills FillReader, log *slog.Logger, account string, d Decision) decision.Executor {
	if log == nil {
		log = slog.Default()
	}
	return &executor{trader: trader, fills: fills, log: log, account: account, tag: orderTag(d)}
}

// DecisionCalls returns the createPosition calls of a finished turn as a
// later turn reads them back (newest first), with the metadata the record
// stores.
func DecisionCalls(inv *arena.Invocation, markets []arena.Market) []arena.DecisionCall {
	ms := marketMap(markets)
	var out []arena.DecisionCall
	for i := len(inv.ToolCalls) - 1; i >= 0; i-- {
		tc := &inv.ToolCalls[i]
		if tc.Type != arena.ToolCreatePosition {
			continue
		}
		raw, err := json.Marshal(metadataOf(tc, ms))
		if err != nil {
			continue // plain documents: cannot fail
		}
		out = append(out, arena.DecisionCall{Metadata: string(raw), At: tc.CreatedAt})
	}
	return out
}
