package rpc

import (
	"cmp"
	"context"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/views"
)

// StatsInput is analytics.getModelStats' input.
type StatsInput struct {
	SeasonID string `json:"seasonId,omitempty"` // absent or "live": the live arena; else a stored season's id (its whole run)
	Mode     string `json:"mode,omitempty"`     // overall (default) or advanced
	Variant  string `json:"variant,omitempty"`  // all (default) or a variant
}

// Validate checks the enums.
func (in *StatsInput) Validate() error {
	return issues(checkEnum("mode", in.Mode, "overall", "advanced"), checkVariant(in.Variant, true))
}

// StatsOutput is analytics.getModelStats' output: one of the two lists.
type StatsOutput struct {
	Overall  []OverallStats  `json:"overall,omitzero"`
	Advanced []AdvancedStats `json:"advanced,omitzero"`
}

// OverallStats are an account's all-time results. Trade PnL is net of fees
// and funding. accountValue is the latest equity snapshot; sharpeRatio is
// annualised from daily equity returns (0 until there are two).
type OverallStats struct {
	ModelID         string          `json:"modelId"`
	ModelName       string          `json:"modelName"`
	Variant         arena.Variant   `json:"variant"`
	AccountValue    arena.Fixed     `json:"accountValue"`
	ReturnPercent   float64         `json:"returnPercent"`
	TotalPnl        arena.Fixed     `json:"totalPnl"`
	WinRate         float64         `json:"winRate"`
	BiggestWin      arena.Fixed     `json:"biggestWin"`
	BiggestLoss     arena.Fixed     `json:"biggestLoss"`
	SharpeRatio     float64         `json:"sharpeRatio"`
	TradesCount     int             `json:"tradesCount"`
	Kind            arena.ModelKind `json:"kind"`
	SortinoRatio    *float64        `json:"sortinoRatio"`
	ProfitFactor    *float64        `json:"profitFactor"`
	GrossPnl        arena.Fixed     `json:"grossPnl"`
	FeesPaid        arena.Fixed     `json:"feesPaid"`
	FundingPaid     arena.Fixed     `json:"fundingPaid"`
	LLMCostUsd      arena.Fixed     `json:"llmCostUsd"`
	TotalTokens     int64           `json:"totalTokens"`
	Decisions       int             `json:"decisions"`
	CostPerDecision *arena.Fixed    `json:"costPerDecision"`
	PnlNetOfCost    arena.Fixed     `json:"pnlNetOfCost"` // accountValue − initial capital − LLM cost
	FailureRate     *float64        `json:"failureRate"`
}

// AdvancedStats describe how an account trades. Sizes are notional at
// entry in USD, confidence is on the 0–100 scale, and the leverage and
// confidence figures cover the trades that recorded one.
type AdvancedStats struct {
	ModelID               string          `json:"modelId"`
	ModelName             string          `json:"modelName"`
	Variant               arena.Variant   `json:"variant"`
	AccountValue          arena.Fixed     `json:"accountValue"`
	AvgTradeSize          float64         `json:"avgTradeSize"`
	MedianTradeSize       float64         `json:"medianTradeSize"`
	MaxTradeSize          float64         `json:"maxTradeSize"`
	AvgHoldTimeMinutes    float64         `json:"avgHoldTimeMinutes"`
	MedianHoldTimeMinutes float64         `json:"medianHoldTimeMinutes"`
	MaxHoldTimeMinutes    float64         `json:"maxHoldTimeMinutes"`
	LongPercent           float64         `json:"longPercent"`
	Expectancy            arena.Fixed     `json:"expectancy"` // mean net PnL per trade
	AvgLeverage           float64         `json:"avgLeverage"`
	MedianLeverage        float64         `json:"medianLeverage"`
	MaxLeverage           float64         `json:"maxLeverage"`
	AvgConfidence         float64         `json:"avgConfidence"`
	MedianConfidence      float64         `json:"medianConfidence"`
	MaxConfidence         float64         `json:"maxConfidence"`
	FailedWorkflowCount   int             `json:"failedWorkflowCount"`
	FailedToolCallCount   int             `json:"failedToolCallCount"` // decisions with at least one failed tool call
	InvocationCount       int             `json:"invocationCount"`
	FailureRate           float64         `json:"failureRate"` // failedCount / invocationCount, percent
	Kind                  arena.ModelKind `json:"kind"`
	FailedCount           int             `json:"failedCount"` // decisions that failed or had a failed tool call
	TradesCount           int             `json:"tradesCount"`
	ProfitFactor          *float64        `json:"profitFactor"`
	AvgLatencyMs          float64         `json:"avgLatencyMs"`
}

// modelFacts is everything the statistics of a scope need, read at once.
type modelFacts struct {
	totals  map[string]arena.Activity
	trades  map[string]arena.TradeStats
	latest  map[string]int64
	capital map[string]arena.Fixed
}

func (a *api) facts(ctx context.Context, s *scope) (modelFacts, error) {
	var f modelFacts
	var err error
	if f.totals, err = a.DB.ActivityTotals(ctx, s.ids); err != nil {
		return f, dbErr(err, "activity")
	}
	if f.trades, err = a.DB.TradeStats(ctx, s.ids); err != nil {
		return f, dbErr(err, "trade statistics")
	}
	if f.latest, err = a.DB.LatestEquity(ctx, s.ids); err != nil {
		return f, dbErr(err, "equity")
	}
	f.capital, err = a.capitals(ctx, s.ids)
	return f, err
}

// accountValue is the latest snapshot, or the initial capital before any.
func (f *modelFacts) accountValue(id string) arena.Fixed {
	if c, ok := f.latest[id]; ok {
		return arena.Cents(c)
	}
	return f.capital[id]
}

func (a *api) getModelStats(ctx context.Context, in StatsInput) (StatsOutput, error) {
	if !isLive(in.SeasonID) {
		return a.seasonModelStats(ctx, in)
	}
	s, err := a.scope(ctx, in.Variant)
	if err != nil {
		return StatsOutput{}, err
	}
	f, err := a.facts(ctx, &s)
	if err != nil {
		return StatsOutput{}, err
	}
	if cmp.Or(in.Mode, "overall") == "advanced" {
		out := StatsOutput{Advanced: make([]AdvancedStats, 0, len(s.models))}
		for _, m := range s.models {
			out.Advanced = append(out.Advanced, advancedStats(m, &f))
		}
		return out, nil
	}
	daily, err := a.DB.DailyCloses(ctx, s.ids)
	if err != nil {
		return StatsOutput{}, dbErr(err, "equity")
	}
	out := StatsOutput{Overall: make([]OverallStats, 0, len(s.models))}
	for _, m := range s.models {
		out.Overall = append(out.Overall, overallStats(m, &f, daily[m.ID]))
	}
	return out, nil
}

func overallStats(m arena.Model, f *modelFacts, daily []int64) OverallStats {
	act, ts := f.totals[m.ID], f.trades[m.ID]
	value, capital := f.accountValue(m.ID), f.capital[m.ID]
	o := OverallStats{ModelID: m.ID, ModelName: m.Name, Variant: views.Variant(m), AccountValue: value,
		ReturnPercent: pct((value - capital).Float64(), capital.Float64()), TotalPnl: act.NetPnL,
		WinRate: pct(float64(act.Wins), float64(act.Trades)), BiggestWin: ts.BiggestWin, BiggestLoss: ts.BiggestLoss,
		TradesCount: act.Trades, Kind: m.Kind, ProfitFactor: profitFactor(act), GrossPnl: act.GrossPnL,
		FeesPaid: act.Fees, FundingPaid: -act.Funding, LLMCostUsd: act.CostUSD, TotalTokens: act.InputTokens + act.OutputTokens,
		Decisions: act.Invocations, CostPerDecision: costPer(act.CostUSD, act.Invocations),
		PnlNetOfCost: value - capital - act.CostUSD, FailureRate: ratio(100*float64(act.FailedAny), float64(act.Invocations), 4)}
	rs := returns(daily)
	if sh := sharpe(rs, 365); sh != nil {
		o.SharpeRatio = *sh
	}
	o.SortinoRatio = sortino(rs, 365)
	return o
}

func advancedStats(m arena.Model, f *modelFacts) AdvancedStats {
	act, ts := f.totals[m.ID], f.trades[m.ID]
	a := AdvancedStats{ModelID: m.ID, ModelName: m.Name, Variant: views.Variant(m), AccountValue: f.accountValue(m.ID),
		AvgTradeSize: roundTo(ts.AvgSize, 4), MedianTradeSize: roundTo(ts.MedianSize, 4), MaxTradeSize: roundTo(ts.MaxSize, 4),
		AvgHoldTimeMinutes: roundTo(ts.AvgHold, 4), MedianHoldTimeMinutes: roundTo(ts.MedianHold, 4),
		MaxHoldTimeMinutes: roundTo(ts.MaxHold, 4), LongPercent: pct(float64(act.Longs), float64(act.Trades)),
		AvgLeverage: roundTo(ts.AvgLeverage, 4), MedianLeverage: roundTo(ts.MedianLeverage, 4),
		MaxLeverage: roundTo(ts.MaxLeverage, 4), AvgConfidence: roundTo(100*ts.AvgConfidence, 4),
		MedianConfidence: roundTo(100*ts.MedianConfidence, 4), MaxConfidence: roundTo(100*ts.MaxConfidence, 4),
		FailedWorkflowCount: act.FailedInvocations, FailedToolCallCount: act.ToolFailedInvocations,
		InvocationCount: act.Invocations, FailureRate: pct(float64(act.FailedAny), float64(act.Invocations)),
		Kind: m.Kind, FailedCount: act.FailedAny, TradesCount: act.Trades, ProfitFactor: profitFactor(act)}
	if act.Trades > 0 {
		a.Expectancy = act.NetPnL.Div(arena.FixedInt(int64(act.Trades)))
	}
	if act.Invocations > 0 {
		a.AvgLatencyMs = roundTo(float64(act.Latency)/float64(act.Invocations), 2)
	}
	return a
}
