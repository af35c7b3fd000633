package rpc

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

// EmptyInput is the input of procedures that take none: {} or nothing.
type EmptyInput struct{}

// VariantsOutput is variants.getVariants' output. Baselines says how the
// built-in baselines relate to the variants (a field the reference lacks).
type VariantsOutput struct {
	Variants  []arena.VariantInfo `json:"variants"`
	Baselines string              `json:"baselines"`
}

// baselinesNote is getVariants' word on baselines.
const baselinesNote = "Built-in baselines follow no variant: their variant reads \"baseline\", and a variant filter lists them in every competition as yardsticks."

func getVariants(context.Context, EmptyInput) (VariantsOutput, error) {
	return VariantsOutput{Variants: arena.Variants(), Baselines: baselinesNote}, nil
}

// VariantStatsOutput is variants.getVariantStats' output.
type VariantStatsOutput struct {
	Stats []VariantStats `json:"stats"`
}

// VariantStats aggregate the closed trades of a variant's LLM accounts
// (baselines, which run once and are no persona, are not part of any
// variant's figures). PnL is net of fees and funding.
type VariantStats struct {
	VariantID   arena.Variant `json:"variantId"`
	Label       string        `json:"label"`
	Color       string        `json:"color"`
	TotalTrades int           `json:"totalTrades"`
	WinRate     float64       `json:"winRate"`
	TotalPnl    arena.Fixed   `json:"totalPnl"`
	AvgPnl      arena.Fixed   `json:"avgPnl"`
	ModelCount  int           `json:"modelCount"`
	FeesPaid    arena.Fixed   `json:"feesPaid"`
	LLMCostUsd  arena.Fixed   `json:"llmCostUsd"`
	Decisions   int           `json:"decisions"`
}

func (a *api) getVariantStats(ctx context.Context, in SeasonScope) (VariantStatsOutput, error) {
	if !isLive(in.SeasonID) {
		return a.seasonVariantStats(ctx, in.SeasonID)
	}
	s, err := a.scope(ctx, "")
	if err != nil {
		return VariantStatsOutput{}, err
	}
	totals, err := a.DB.ActivityTotals(ctx, s.ids)
	if err != nil {
		return VariantStatsOutput{}, dbErr(err, "activity")
	}
	return variantStats(s.models, totals), nil
}

// variantStats aggregates the activity of the LLM models by variant.
func variantStats(models []arena.Model, totals map[string]arena.Activity) VariantStatsOutput {
	type acc struct {
		trades, wins, models, decisions int
		pnl, fees, cost                 arena.Fixed
	}
	by := map[arena.Variant]*acc{}
	for _, m := range models {
		if m.Kind == arena.KindBaseline {
			continue
		}
		x := by[m.Variant]
		if x == nil {
			x = &acc{}
			by[m.Variant] = x
		}
		t := totals[m.ID]
		x.models++
		x.trades += t.Trades
		x.wins += t.Wins
		x.pnl += t.NetPnL
		x.fees += t.Fees
		x.cost += t.CostUSD
		x.decisions += t.Invocations
	}
	out := VariantStatsOutput{Stats: make([]VariantStats, 0, 7)}
	for _, v := range arena.Variants() {
		x := by[v.ID]
		if x == nil {
			x = &acc{}
		}
		st := VariantStats{VariantID: v.ID, Label: v.Label, Color: v.Color, TotalTrades: x.trades,
			WinRate: pct(float64(x.wins), float64(x.trades)), TotalPnl: x.pnl, ModelCount: x.models,
			FeesPaid: x.fees, LLMCostUsd: x.cost, Decisions: x.decisions}
		if x.trades > 0 {
			st.AvgPnl = x.pnl.Div(arena.FixedInt(int64(x.trades)))
		}
		out.Stats = append(out.Stats, st)
	}
	return out
}

// VariantHistoryInput is variants.getVariantHistory's input.
type VariantHistoryInput struct {
	SeasonID string `json:"seasonId,omitempty"` // absent or "live": the live arena; else a stored season's id (its whole run)
	Window   string `json:"window,omitempty"`   // 24h, 7d (default) or 30d
}

// Validate checks the window.
func (in *VariantHistoryInput) Validate() error {
	return issues(checkEnum("window", in.Window, "24h", "7d", "30d"))
}

// VariantHistoryOutput is variants.getVariantHistory's output.
type VariantHistoryOutput struct {
	Variants  []VariantHistory `json:"variants"`
	Aggregate []HistoryPoint   `json:"aggregate"`
}

// VariantHistory is a variant's hourly equity: at each hour, the mean of
// every snapshot of its LLM accounts in that hour.
type VariantHistory struct {
	VariantID arena.Variant  `json:"variantId"`
	Label     string         `json:"label"`
	Color     string         `json:"color"`
	History   []HistoryPoint `json:"history"`
}

// HistoryPoint is one hour; Value is rounded to the cent.
type HistoryPoint struct {
	Timestamp string      `json:"timestamp"`
	Value     arena.Fixed `json:"value"`
}

func (a *api) getVariantHistory(ctx context.Context, in VariantHistoryInput) (VariantHistoryOutput, error) {
	if !isLive(in.SeasonID) {
		return a.seasonVariantHistory(ctx, in.SeasonID)
	}
	w := windows[cmp.Or(in.Window, "7d")]
	sums, err := a.DB.VariantHourlySums(ctx, a.Now().Add(-w.span))
	if err != nil {
		return VariantHistoryOutput{}, dbErr(err, "variant history")
	}
	return variantHistory(sums), nil
}

// variantHistory is each variant's hourly mean and their aggregate, from
// per-variant hourly sums.
func variantHistory(sums []arena.HourlySum) VariantHistoryOutput {
	byVariant := map[arena.Variant][]HistoryPoint{}
	type acc struct{ sum, n int64 } // of the variants' means, in cents
	hours := map[time.Time]*acc{}
	var order []time.Time
	for _, h := range sums {
		mean := meanCents(h.SumCents, h.Points)
		byVariant[arena.Variant(h.Group)] = append(byVariant[arena.Variant(h.Group)], HistoryPoint{Timestamp: ISO(h.HourStart), Value: arena.Cents(mean)})
		x := hours[h.HourStart]
		if x == nil {
			x = &acc{}
			hours[h.HourStart] = x
			order = append(order, h.HourStart)
		}
		x.sum += mean
		x.n++
	}
	out := VariantHistoryOutput{Variants: make([]VariantHistory, 0, 7), Aggregate: make([]HistoryPoint, 0, len(order))}
	for _, v := range arena.Variants() {
		pts := byVariant[v.ID]
		if pts == nil {
			pts = []HistoryPoint{}
		}
		out.Variants = append(out.Variants, VariantHistory{VariantID: v.ID, Label: v.Label, Color: v.Color, History: pts})
	}
	slices.SortFunc(order, time.Time.Compare)
	for _, t := range order {
		x := hours[t]
		out.Aggregate = append(out.Aggregate, HistoryPoint{Timestamp: ISO(t), Value: arena.Cents(meanCents(x.sum, x.n))})
	}
	return out
}
