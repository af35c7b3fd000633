package rpc

import (
	"context"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/views"
)

// PositionsInput is trading.getPositions' input.
type PositionsInput struct {
	Variant string `json:"variant,omitempty"`
}

// Validate checks the variant.
func (in *PositionsInput) Validate() error { return issues(checkVariant(in.Variant, true)) }

// PositionsOutput is trading.getPositions' output: every account in scope,
// with or without open positions.
type PositionsOutput struct {
	Positions []AccountPositions `json:"positions"`
	Warning   string             `json:"warning,omitempty"` // set when live marks could not be read
}

// The shapes are shared with the worker, which publishes them on the SSE
// positions channel.
type (
	AccountPositions = views.AccountPositions
	PositionItem     = views.PositionItem
	ExitPlanItem     = views.ExitPlanItem
	InvalidationItem = views.InvalidationItem
)

func (a *api) getPositions(ctx context.Context, in PositionsInput) (PositionsOutput, error) {
	s, err := a.scope(ctx, in.Variant)
	if err != nil {
		return PositionsOutput{}, err
	}
	pos, err := a.DB.OpenPositions(ctx, s.ids)
	if err != nil {
		return PositionsOutput{}, dbErr(err, "positions")
	}
	accts, err := a.DB.Accounts(ctx, s.ids)
	if err != nil {
		return PositionsOutput{}, dbErr(err, "accounts")
	}
	marks, warning := a.marks(ctx)
	cash := map[string]arena.Fixed{}
	for _, ac := range accts {
		cash[ac.AccountID] = ac.Cash
	}
	groups, err := views.Positions(s.models, pos, cash, marks)
	if err != nil {
		return PositionsOutput{}, err
	}
	return PositionsOutput{Positions: groups, Warning: warning}, nil
}

// marks returns the live marks by symbol; a Redis failure degrades the
// answer (no unrealized PnL) instead of failing it.
func (a *api) marks(ctx context.Context) (map[arena.Symbol]arena.Fixed, string) {
	all, err := a.Marks.All(ctx)
	if err != nil {
		a.opts.Log.Warn("read marks", "err", err)
		return nil, "live prices are unavailable: unrealized PnL is not shown"
	}
	out := make(map[arena.Symbol]arena.Fixed, len(all))
	for _, p := range all {
		out[p.Symbol] = p.Price
	}
	return out, ""
}
