package rpc

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/views"
)

// The analytics of a stored season (seasonId other than "live"): the same
// procedures and figures as the live arena's, computed from the season's
// own tables (its entrants stand for the models, their ids for model ids),
// over the season's whole run: a window input does not apply.

// SeasonScope is the input of analytics procedures whose only parameter is
// the season they cover.
type SeasonScope struct {
	SeasonID string `json:"seasonId,omitempty"` // absent or "live": the live arena; else a stored season's id
}

// seasonModels lists a stored season's entrants as models, in leaderboard
// order, keeping those of variant (every one for "" or "all"; baselines
// always, as yardsticks, as scope does).
func seasonModels(run *seasonRun, variant string) []arena.Model {
	out := make([]arena.Model, 0, len(run.entrants))
	for _, e := range run.entrants {
		if variant != "" && variant != arena.VariantAll && string(e.Variant) != variant && e.Kind != arena.KindBaseline {
			continue
		}
		out = append(out, seasonModel(e))
	}
	return out
}

// seasonFacts are a stored season's modelFacts: its activity and trade
// statistics, final equity and starting capital.
func (a *api) seasonFacts(ctx context.Context, run *seasonRun) (modelFacts, error) {
	f := modelFacts{totals: run.activity, latest: map[string]int64{}, capital: map[string]arena.Fixed{}}
	var err error
	if f.trades, err = a.DB.SeasonTradeStats(ctx, run.id); err != nil {
		return f, dbErr(err, "the season's trades")
	}
	for _, e := range run.entrants {
		f.latest[e.EntrantID], f.capital[e.EntrantID] = fixedCents(e.Equity), e.Capital
	}
	return f, nil
}

// seasonDailyCloses are each entrant's equity at the end of every UTC day
// of the season, in cents (the overall Sharpe and Sortino are daily).
func seasonDailyCloses(run *seasonRun) map[string][]int64 {
	out := map[string][]int64{}
	for id, ps := range run.equity {
		var day time.Time
		for _, p := range ps {
			d := p.At.UTC().Truncate(24 * time.Hour)
			if cs := out[id]; len(cs) > 0 && d.Equal(day) {
				cs[len(cs)-1] = fixedCents(p.Equity)
				continue
			}
			day = d
			out[id] = append(out[id], fixedCents(p.Equity))
		}
	}
	return out
}

func (a *api) seasonModelStats(ctx context.Context, in StatsInput) (StatsOutput, error) {
	run, err := a.loadSeasonRun(ctx, in.SeasonID, nil)
	if err != nil {
		return StatsOutput{}, err
	}
	f, err := a.seasonFacts(ctx, &run)
	if err != nil {
		return StatsOutput{}, err
	}
	models := seasonModels(&run, in.Variant)
	if in.Mode == "advanced" {
		out := StatsOutput{Advanced: make([]AdvancedStats, 0, len(models))}
		for _, m := range models {
			out.Advanced = append(out.Advanced, advancedStats(m, &f))
		}
		return out, nil
	}
	daily := seasonDailyCloses(&run)
	out := StatsOutput{Overall: make([]OverallStats, 0, len(models))}
	for _, m := range models {
		out.Overall = append(out.Overall, overallStats(m, &f, daily[m.ID]))
	}
	return out, nil
}

func (a *api) seasonFailures(ctx context.Context, in FailuresInput, limit int) (FailuresOutput, error) {
	run, err := a.loadSeasonRun(ctx, in.SeasonID, nil)
	if err != nil {
		return FailuresOutput{}, err
	}
	models := seasonModels(&run, in.Variant)
	ids := make([]string, len(models))
	byID := map[string]arena.Model{}
	for i, m := range models {
		ids[i], byID[m.ID] = m.ID, m
	}
	ds, err := a.DB.SeasonFailures(ctx, run.id, ids, limit)
	if err != nil {
		return FailuresOutput{}, dbErr(err, "the season's failures")
	}
	out := FailuresOutput{Failures: make([]FailureEntry, 0, len(ds)), ModelStats: make([]ModelFailureStats, 0, len(models))}
	for i := range ds {
		out.Failures = append(out.Failures, seasonFailureEntry(&ds[i], byID[ds[i].EntrantID]))
	}
	for _, m := range models {
		out.ModelStats = append(out.ModelStats, modelFailureStats(m, run.activity[m.ID]))
	}
	return out, nil
}

// seasonFailureEntry is a failed season decision as getFailures lists it:
// its id is entrant@slot, its tool calls are the stored actions (their
// outputs as metadata), its reason the failure's leading reason.
func seasonFailureEntry(d *arena.SeasonDecision, m arena.Model) FailureEntry {
	e := FailureEntry{InvocationID: d.EntrantID + "@" + ISO(d.Slot), ModelID: d.EntrantID, ModelName: m.Name, Variant: views.Variant(m),
		Response: d.Response, ResponsePayload: json.RawMessage(`null`), CreatedAt: Date(d.Slot), ToolCalls: []FailureToolCall{},
		FailureSource: "tool_call", TotalInputTokens: d.InputTokens, TotalOutputTokens: d.OutputTokens, CostUsd: d.CostUSD, LatencyMs: d.LatencyMS}
	var acts []struct {
		Name   string `json:"name"`
		Output string `json:"output"`
		Failed bool   `json:"failed"`
	}
	_ = json.Unmarshal(d.Actions, &acts) // written by the importer: a list
	for i, act := range acts {
		e.ToolCalls = append(e.ToolCalls, FailureToolCall{ID: fmt.Sprintf("%s#%d", e.InvocationID, i), ToolCallType: act.Name,
			Metadata: act.Output, CreatedAt: Date(d.Slot), Success: !act.Failed})
		if act.Failed {
			e.FailedToolCalls++
			if e.FailureReason == nil {
				e.FailureReason = toolFailureReason(act.Output)
			}
		}
	}
	if d.Failure != "" {
		e.FailureSource = "invocation"
		reason, _, _ := strings.Cut(d.Failure, ":")
		if slices.Contains(arena.FailureReasons(), arena.FailureReason(reason)) {
			e.FailureReason = &reason
		}
	}
	return e
}

func modelFailureStats(m arena.Model, t arena.Activity) ModelFailureStats {
	return ModelFailureStats{ModelID: m.ID, ModelName: m.Name, Variant: views.Variant(m),
		FailedWorkflowCount: t.FailedInvocations, FailedToolCallCount: t.ToolFailedInvocations, FailedCount: t.FailedAny,
		InvocationCount: t.Invocations, FailureRate: pct(float64(t.FailedAny), float64(t.Invocations)), Kind: m.Kind}
}

func (a *api) seasonRunInfo(ctx context.Context, id string) (RunInfoOutput, error) {
	s, err := a.DB.Season(ctx, id)
	if err != nil {
		if arena.ErrorCode(err) == arena.CodeNotFound {
			return RunInfoOutput{}, unknownSeason(id)
		}
		return RunInfoOutput{}, dbErr(err, "the season")
	}
	d := Date(s.Start)
	return RunInfoOutput{RunStartTime: &d}, nil
}

func (a *api) seasonVariantStats(ctx context.Context, id string) (VariantStatsOutput, error) {
	run, err := a.loadSeasonRun(ctx, id, nil)
	if err != nil {
		return VariantStatsOutput{}, err
	}
	models := seasonModels(&run, "")
	return variantStats(models, run.activity), nil
}

// seasonVariantHistory is a stored season's hourly equity per variant: at
// each hour, the mean of every 5-minute equity of its LLM entrants in that
// hour; the aggregate is the mean of the variants' means.
func (a *api) seasonVariantHistory(ctx context.Context, id string) (VariantHistoryOutput, error) {
	run, err := a.loadSeasonRun(ctx, id, nil)
	if err != nil {
		return VariantHistoryOutput{}, err
	}
	var sums []arena.HourlySum
	idx := map[string]int{}
	for _, e := range run.entrants {
		if e.Kind == arena.KindBaseline {
			continue
		}
		for _, p := range run.equity[e.EntrantID] {
			h := p.At.UTC().Truncate(time.Hour)
			k := string(e.Variant) + "\x00" + h.String()
			i, ok := idx[k]
			if !ok {
				i = len(sums)
				idx[k] = i
				sums = append(sums, arena.HourlySum{Group: string(e.Variant), HourStart: h})
			}
			sums[i].SumCents += fixedCents(p.Equity)
			sums[i].Points++
		}
	}
	slices.SortStableFunc(sums, func(x, y arena.HourlySum) int { return x.HourStart.Compare(y.HourStart) })
	return variantHistory(sums), nil
}
