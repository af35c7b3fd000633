package rpc

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/postgres"
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

// TradeItem is one closed trade, newest first. NetPnl is after fees and
// funding (GrossPnl before); times are ISO strings as in the reference.
type TradeItem struct {
	ID              string          `json:"id"`
	ModelID         string          `json:"modelId"`
	ModelName       string          `json:"modelName"`
	ModelVariant    arena.Variant   `json:"modelVariant,omitempty"`
	ModelRouterName string          `json:"modelRouterName,omitempty"`
	ModelKey        string          `json:"modelKey"`
	Side            string          `json:"side"` // long or short
	Symbol          arena.Symbol    `json:"symbol"`
	EntryPrice      arena.Fixed     `json:"entryPrice"`
	ExitPrice       arena.Fixed     `json:"exitPrice"`
	Quantity        arena.Fixed     `json:"quantity"`
	NetPnl          arena.Fixed     `json:"netPnl"`
	OpenedAt        string          `json:"openedAt"`
	ClosedAt        string          `json:"closedAt"`
	HoldingTime     string          `json:"holdingTime"`
	Timestamp       string          `json:"timestamp"`
	EntryNotional   arena.Fixed     `json:"entryNotional"`
	ExitNotional    arena.Fixed     `json:"exitNotional"`
	GrossPnl        arena.Fixed     `json:"grossPnl"`
	Fees            arena.Fixed     `json:"fees"`
	FundingPnl      arena.Fixed     `json:"fundingPnl"`
	Leverage        *arena.Fixed    `json:"leverage,omitempty"`
	CloseTrigger    string          `json:"closeTrigger,omitempty"`
	Kind            arena.ModelKind `json:"kind"`
}

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
		out.Trades = append(out.Trades, tradeItem(&rows[i], s.model(rows[i].ModelID)))
	}
	return out, nil
}

func tradeItem(t *postgres.Trade, m postgres.Model) TradeItem {
	item := TradeItem{
		ID: t.ID, ModelID: t.ModelID, ModelName: m.Name, ModelVariant: m.Variant, ModelRouterName: m.ProviderModel,
		ModelKey: m.ProviderModel, Side: strings.ToLower(string(t.Side)), Symbol: t.Symbol,
		EntryPrice: t.EntryPrice, ExitPrice: t.ExitPrice, Quantity: t.Quantity, NetPnl: t.NetPnL(),
		OpenedAt: ISO(t.OpenedAt), ClosedAt: ISO(t.ClosedAt), HoldingTime: holdingTime(t.OpenedAt, t.ClosedAt),
		Timestamp: ISO(t.ClosedAt), EntryNotional: t.Quantity.Mul(t.EntryPrice), ExitNotional: t.Quantity.Mul(t.ExitPrice),
		GrossPnl: t.RealizedPnL, Fees: t.Fees, FundingPnl: t.Funding, CloseTrigger: t.CloseTrigger, Kind: m.Kind,
	}
	if item.ModelKey == "" {
		item.ModelKey = t.ModelID
	}
	if t.Leverage > 0 {
		lev := t.Leverage
		item.Leverage = &lev
	}
	return item
}

// holdingTime formats a duration as the reference does: "1D 2H 3M",
// leaving out zero days and hours, "<1M" for nothing.
func holdingTime(from, to time.Time) string {
	d := to.Sub(from)
	if d <= 0 {
		return "<1M"
	}
	mins := int64(d / time.Minute)
	days, hours, m := mins/(60*24), mins%(60*24)/60, mins%60
	var b strings.Builder
	if days > 0 {
		fmt.Fprintf(&b, "%dD ", days)
	}
	if hours > 0 {
		fmt.Fprintf(&b, "%dH ", hours)
	}
	fmt.Fprintf(&b, "%dM", m)
	return b.String()
}
