package views

import (
	"fmt"
	"strings"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

// TradeItem is one closed trade. NetPnl is after fees and funding (GrossPnl
// before); times are ISO strings as in the reference.
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

// Trade shapes one closed trade (a closed position) of model m.
func Trade(t *arena.Position, m arena.Model) TradeItem {
	q := t.ClosedQuantity
	item := TradeItem{
		ID: t.ID, ModelID: t.AccountID, ModelName: m.Name, ModelVariant: Variant(m), ModelRouterName: m.ProviderModel,
		ModelKey: m.ProviderModel, Side: strings.ToLower(string(t.Side)), Symbol: t.Symbol,
		EntryPrice: t.EntryPrice, ExitPrice: t.ExitPrice, Quantity: q, NetPnl: t.NetPnL(),
		OpenedAt: ISO(t.OpenedAt), ClosedAt: ISO(t.ClosedAt), HoldingTime: HoldingTime(t.OpenedAt, t.ClosedAt),
		Timestamp: ISO(t.ClosedAt), EntryNotional: q.Mul(t.EntryPrice), ExitNotional: q.Mul(t.ExitPrice),
		GrossPnl: t.RealizedPnL, Fees: t.Fees, FundingPnl: t.Funding, CloseTrigger: string(t.CloseTrigger), Kind: m.Kind,
	}
	if item.ModelKey == "" {
		item.ModelKey = t.AccountID
	}
	if t.Leverage > 0 {
		lev := t.Leverage
		item.Leverage = &lev
	}
	return item
}

// HoldingTime formats a duration as the reference does: "1D 2H 3M",
// leaving out zero days and hours, "<1M" for nothing.
func HoldingTime(from, to time.Time) string {
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
