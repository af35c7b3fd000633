package agent

import (
	"context"
	"fmt"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/llm"
)

// input assembles what the model sees this turn: the cycle's shared data,
// the account as it stands now and the model's earlier decisions, read now
// so that the decision just before this one is among them.
func (r *Runner) input(ctx context.Context, c *cycle, m arena.AgentModel, st *seat, acct arena.AccountSnapshot) (llm.Input, error) {
	now := r.now()
	calls, err := r.store.RecentDecisions(ctx, m.ID, now.Add(-decisionWindow), decisionLookups)
	if err != nil {
		return llm.Input{}, fmt.Errorf("gather the earlier decisions of %s: %w", m.ID, err)
	}
	return BuildInput(r.prompts, Turn{Now: now, Model: m, System: st.system, Limits: st.Limits, IntervalMinutes: r.intervalMinutes(),
		Account: acct, Market: c.market, Markets: c.markets, Prices: r.trader.Prices(), Standings: c.standings,
		Closes: c.closes[m.ID], Calls: calls})
}
