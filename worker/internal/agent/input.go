package agent

import (
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/postgres"
	"github.com/autonome-go/autonome/worker/internal/llm"
	"github.com/autonome-go/autonome/worker/internal/prompt"
)

// input assembles what the model sees this turn: the cycle's shared data
// and the account as it stands now.
func (r *Runner) input(c *cycle, m postgres.AgentModel, st *seat, acct arena.AccountSnapshot) (llm.Input, error) {
	now := r.now()
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
	})
	if err != nil {
		return llm.Input{}, err
	}
	return llm.Input{Now: now, Variant: m.Variant, System: st.system, User: user, Market: c.market, Markets: c.markets,
		Prices: prices, Account: acct, Limits: st.Limits, Cooldowns: c.cooldowns[m.ID]}, nil
}
