package rpc

import (
	"context"

	"github.com/autonome-go/autonome/shared/views"
)

// TradesInput is trading.getTrades' input.
type TradesInput struct {
	Variant string `json:"variant,omitempty"`
	Limit   *int   `json:"limit,omitempty"` // 1..500, default 100
}

// Validate checks the bounds.
func (in *TradesInput) Validate() error {
	return issues(checkVariant(in.Variant, true), checkInt("limit", in.Limit, 1, 500))
}

// TradesOutput is trading.getTrades' output.
type TradesOutput struct {
	Trades []TradeItem `json:"trades"`
}

// TradeItem is one closed trade, shared with the worker's trades channel.
type TradeItem = views.TradeItem

func (a *api) getTrades(ctx context.Context, in TradesInput) (TradesOutput, error) {
	s, err := a.scope(ctx, in.Variant)
	if err != nil {
		return TradesOutput{}, err
	}
	limit := 100
	if in.Limit != nil {
		limit = *in.Limit
	}
	rows, err := a.DB.Trades(ctx, s.ids, limit)
	if err != nil {
		return TradesOutput{}, dbErr(err, "trades")
	}
	out := TradesOutput{Trades: make([]TradeItem, 0, len(rows))}
	for i := range rows {
		out.Trades = append(out.Trades, views.Trade(&rows[i], s.model(rows[i].AccountID)))
	}
	return out, nil
}
