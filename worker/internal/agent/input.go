package agent

import (
	"context"
	"fmt"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/postgres"
	"github.com/autonome-go/autonome/worker/internal/llm"
	"github.com/autonome-go/autonome/worker/internal/prompt"
)

// input assembles what the model sees this turn: the cycle's shared data,
// the account as it stands now and the model's earlier decisions, read now
// so that the decision just before this one is among them.
func (r *Runner) input(ctx context.Context, c *cycle, m postgres.AgentModel, st *seat, acct arena.AccountSnapshot) (llm.Input, error) {
	now := r.now()
	calls, err := r.store.RecentDecisions(ctx, m.ID, now.Add(-decisionWindow), decisionLookups)
	if err != nil {
		return llm.Input{}, fmt.Errorf("gather the earlier decisions of %s: %w", m.ID, err)
	}
	past := pastDecisions(calls)
	prices := make(map[arena.Symbol]arena.Fixed, len(c.markets))
	for _, p := range r.trader.Prices() {
		prices[p.Symbol] = p.Price
	}
	user, err := r.prompts.User(prompt.UserData{
		Now:             now,
		StartedAt:       now.Add(-time.Duration(m.TotalMinutes) * time.Minute),
		Invocations:     m.InvocationCount,
		IntervalMinutes: r.intervalMinutes(),
		InitialCapital:  acct.Capital,
		Account:         acct,
		Market:          c.market,
		Performance:     performance(acct, c.closes[m.ID]),
		Competition:     competition(c.standings[m.Variant], m.Variant, m.ID),
		Limits:          st.Limits,
		Decisions:       decisionIndex(past),
	})
	if err != nil {
		return llm.Input{}, err
	}
	return llm.Input{Now: now, Variant: m.Variant, System: st.system, User: user, Market: c.market, Markets: c.markets,
		Prices: prices, Account: acct, Limits: st.Limits, Cooldowns: cooldownsFrom(past, now)}, nil
}
