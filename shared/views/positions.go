package views

import (
	"strings"

	"github.com/autonome-go/autonome/shared/arena"
)

// AccountPositions is one account's open positions valued at the live
// marks. Equity = cash + Σ unrealized; availableCash = max(equity − Σ
// margin, 0). Unrealized PnL is computed here, never stored.
type AccountPositions struct {
	ModelID            string          `json:"modelId"`
	ModelName          string          `json:"modelName"`
	ModelVariant       arena.Variant   `json:"modelVariant,omitempty"`
	ModelLogo          string          `json:"modelLogo,omitempty"`
	Positions          []PositionItem  `json:"positions"`
	TotalUnrealizedPnl arena.Fixed     `json:"totalUnrealizedPnl"`
	AvailableCash      *arena.Fixed    `json:"availableCash,omitempty"`
	Kind               arena.ModelKind `json:"kind"`
	Cash               *arena.Fixed    `json:"cash,omitempty"`
	Equity             *arena.Fixed    `json:"equity,omitempty"`
	UsedMargin         arena.Fixed     `json:"usedMargin"`
}

// PositionItem is one open position.
type PositionItem struct {
	Symbol         arena.Symbol  `json:"symbol"`
	Side           string        `json:"side"` // long or short
	Quantity       arena.Fixed   `json:"quantity"`
	EntryPrice     arena.Fixed   `json:"entryPrice"`
	CurrentPrice   *arena.Fixed  `json:"currentPrice,omitempty"`
	UnrealizedPnl  *arena.Fixed  `json:"unrealizedPnl,omitempty"`
	ExitPlan       *ExitPlanItem `json:"exitPlan,omitempty"`
	Signal         string        `json:"signal"` // LONG or SHORT
	Leverage       *arena.Fixed  `json:"leverage,omitempty"`
	Confidence     *float64      `json:"confidence,omitempty"` // 0–100
	LastDecisionAt string        `json:"lastDecisionAt"`
	DecisionStatus string        `json:"decisionStatus"`
	Notional       *arena.Fixed  `json:"notional,omitempty"` // quantity × mark
	Margin         arena.Fixed   `json:"margin"`
	Fees           arena.Fixed   `json:"fees"`
	FundingPnl     arena.Fixed   `json:"fundingPnl"`
	OpenedAt       string        `json:"openedAt"`
}

// ExitPlanItem is the reference's exit plan shape.
type ExitPlanItem struct {
	Target       *arena.Fixed      `json:"target,omitempty"`
	Stop         *arena.Fixed      `json:"stop,omitempty"`
	Invalidation *InvalidationItem `json:"invalidation,omitempty"`
}

// InvalidationItem is the agent's invalidation condition, shown as text.
type InvalidationItem struct {
	Enabled bool   `json:"enabled"`
	Message string `json:"message,omitempty"`
}

// Positions values every model's open positions; models keep their order.
// cash holds each account's ledger cash (absent: cash and equity unknown),
// marks the live price per symbol (absent: no unrealized PnL).
func Positions(models []arena.Model, pos []arena.Position, cash map[string]arena.Fixed, marks map[arena.Symbol]arena.Fixed) ([]AccountPositions, error) {
	byModel := map[string][]arena.Position{}
	for _, p := range pos {
		byModel[p.AccountID] = append(byModel[p.AccountID], p)
	}
	out := make([]AccountPositions, 0, len(models))
	for _, m := range models {
		ap, err := valueAccount(m, byModel[m.ID], cash, marks)
		if err != nil {
			return nil, err
		}
		out = append(out, ap)
	}
	return out, nil
}

func valueAccount(m arena.Model, pos []arena.Position, cash map[string]arena.Fixed, marks map[arena.Symbol]arena.Fixed) (AccountPositions, error) {
	ap := AccountPositions{ModelID: m.ID, ModelName: m.Name, ModelVariant: Variant(m), ModelLogo: m.ProviderModel,
		Positions: make([]PositionItem, 0, len(pos)), Kind: m.Kind}
	for i := range pos {
		item, upnl, err := ValuePosition(&pos[i], marks)
		if err != nil {
			return AccountPositions{}, err
		}
		ap.TotalUnrealizedPnl += upnl
		ap.UsedMargin += item.Margin
		ap.Positions = append(ap.Positions, item)
	}
	if c, ok := cash[m.ID]; ok {
		equity := c + ap.TotalUnrealizedPnl
		avail := max(equity-ap.UsedMargin, 0)
		ap.Cash, ap.Equity, ap.AvailableCash = &c, &equity, &avail
	}
	return ap, nil
}

// ValuePosition shapes one open position and returns its unrealized PnL
// (zero when the symbol has no mark).
func ValuePosition(p *arena.Position, marks map[arena.Symbol]arena.Fixed) (PositionItem, arena.Fixed, error) {
	item := PositionItem{
		Symbol: p.Symbol, Side: strings.ToLower(string(p.Side)), Quantity: p.Quantity, EntryPrice: p.EntryPrice,
		ExitPlan: exitPlanItem(p.ExitPlan), Signal: string(p.Side), Confidence: percent(p.ExitPlan.Confidence),
		LastDecisionAt: ISO(p.OpenedAt), DecisionStatus: "FILLED", Margin: p.Margin, Fees: p.Fees,
		FundingPnl: p.Funding, OpenedAt: ISO(p.OpenedAt),
	}
	if p.Leverage > 0 {
		lev := p.Leverage
		item.Leverage = &lev
	}
	if item.Margin == 0 { // not recorded: entry notional ÷ leverage (1x when unknown)
		notional, err := p.Quantity.MulChecked(p.EntryPrice)
		if err == nil && p.Leverage > 0 {
			notional, err = notional.DivChecked(p.Leverage)
		}
		if err != nil {
			return PositionItem{}, 0, arena.WrapError(arena.CodeInternal, err, "position %s cannot be valued", p.ID)
		}
		item.Margin = notional
	}
	mark, ok := marks[p.Symbol]
	if !ok {
		return item, 0, nil
	}
	upnl, err := (mark - p.EntryPrice).MulChecked(p.Quantity)
	notional, err2 := p.Quantity.MulChecked(mark)
	if err != nil || err2 != nil {
		return PositionItem{}, 0, arena.Errorf(arena.CodeInternal, "position %s cannot be valued", p.ID)
	}
	if p.Side == arena.Short {
		upnl = -upnl
	}
	item.CurrentPrice, item.UnrealizedPnl, item.Notional = &mark, &upnl, &notional
	return item, upnl, nil
}

func exitPlanItem(p arena.ExitPlan) *ExitPlanItem {
	if p.Stop == 0 && p.Target == 0 && p.Invalidation == "" {
		return nil
	}
	var e ExitPlanItem
	if p.Target > 0 {
		t := p.Target
		e.Target = &t
	}
	if p.Stop > 0 {
		s := p.Stop
		e.Stop = &s
	}
	if p.Invalidation != "" {
		e.Invalidation = &InvalidationItem{Enabled: true, Message: p.Invalidation}
	}
	return &e
}

// percent turns a plan's confidence fraction into the 0–100 scale the
// reference shows; nil when the plan has none (arena.ExitPlan: zero).
func percent(f float64) *float64 {
	if f == 0 {
		return nil
	}
	v := roundTo(f*100, 4)
	return &v
}
