package rpc

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/views"
)

// windows are the leaderboard's windows and the bucket widths their equity
// is read in, finest first (see postgres.Reader.EquitySpans). The last
// width is also the return period of Sharpe and Sortino: hourly over a
// day, four-hourly over a week, daily over a month.
var windows = map[string]struct {
	span   time.Duration
	widths []time.Duration
}{
	"24h": {24 * time.Hour, []time.Duration{arena.Bucket5m, arena.Bucket1h}},
	"7d":  {7 * 24 * time.Hour, []time.Duration{arena.Bucket5m, arena.Bucket1h, arena.Bucket4h}},
	"30d": {30 * 24 * time.Hour, []time.Duration{arena.Bucket5m, arena.Bucket1h, arena.Bucket4h, arena.Bucket1d}},
}

// LeaderboardInput is analytics.getLeaderboard's input.
type LeaderboardInput struct {
	SeasonID string `json:"seasonId,omitempty"` // absent or "live": the live arena; else an imported season (seasons.list)
	Window   string `json:"window,omitempty"`   // 24h, 7d (default) or 30d; a season is ranked over its whole run
	SortBy   string `json:"sortBy,omitempty"`   // pnlPercent (default), pnlAbsolute, maxDrawdown; beyond the reference: pnlNetPercent, sharpe, sortino
	Variant  string `json:"variant,omitempty"`  // all (default) or a variant
	RankBy   string `json:"rankBy,omitempty"`   // estimate (default) or lowerBound: the pessimistic end of the figure's interval
}

// Validate checks the enums.
func (in *LeaderboardInput) Validate() error {
	return issues(checkEnum("window", in.Window, "24h", "7d", "30d"),
		checkEnum("sortBy", in.SortBy, "pnlPercent", "pnlAbsolute", "maxDrawdown", "pnlNetPercent", "sharpe", "sortino"),
		checkVariant(in.Variant, true), checkEnum("rankBy", in.RankBy, "estimate", "lowerBound"))
}

// LeaderboardOutput is analytics.getLeaderboard's output.
type LeaderboardOutput struct {
	Entries   []LeaderboardEntry `json:"entries"`
	Window    string             `json:"window"`
	Intervals IntervalMethod     `json:"intervals"` // beyond the reference: how intervals and immature flags were computed
}

// LeaderboardEntry ranks one account over the window. PnL runs from the
// first to the last equity snapshot in the window; maxDrawdown is the
// largest peak-to-trough fall in percent. The figures after endValue go
// beyond the reference: risk-adjusted returns, trading costs and inference
// costs over the same window (trades closed and decisions made in it), then
// 95% intervals and the minimum-record flag: an immature entrant ranks after
// every mature one, whatever its figures.
type LeaderboardEntry struct {
	ModelID         string          `json:"modelId"`
	ModelName       string          `json:"modelName"`
	Variant         arena.Variant   `json:"variant"`
	PnlPercent      float64         `json:"pnlPercent"`
	PnlAbsolute     arena.Fixed     `json:"pnlAbsolute"`
	MaxDrawdown     float64         `json:"maxDrawdown"`
	StartValue      arena.Fixed     `json:"startValue"`
	EndValue        arena.Fixed     `json:"endValue"`
	Kind            arena.ModelKind `json:"kind"`
	Rank            int             `json:"rank"`
	Sharpe          *float64        `json:"sharpe"`  // annualised, null when undefined
	Sortino         *float64        `json:"sortino"` // annualised, null when undefined
	Trades          int             `json:"trades"`
	WinRate         float64         `json:"winRate"`      // percent of trades with net PnL > 0
	ProfitFactor    *float64        `json:"profitFactor"` // gross wins / gross losses; null without a loss
	FeesPaid        arena.Fixed     `json:"feesPaid"`
	FundingPaid     arena.Fixed     `json:"fundingPaid"` // positive: paid; negative: received
	LLMCostUsd      arena.Fixed     `json:"llmCostUsd"`
	TotalTokens     int64           `json:"totalTokens"`
	Decisions       int             `json:"decisions"`
	CostPerDecision *arena.Fixed    `json:"costPerDecision"`
	PnlNetOfCost    arena.Fixed     `json:"pnlNetOfCost"`  // pnlAbsolute − llmCostUsd
	FailureRate     *float64        `json:"failureRate"`   // percent of decisions that failed or had a failed tool call
	PnlNetPercent   float64         `json:"pnlNetPercent"` // pnlNetOfCost / startValue, percent
	Intervals       *EntryIntervals `json:"intervals"`     // null with fewer than two return periods
	Immature        bool            `json:"immature"`      // below the minimum record: listed, never headlining
	RecordDays      float64         `json:"recordDays"`    // days of equity record in the window
	// Repeats is a stored season's entrant's return over the season's
	// repeats (absent in the live arena and for entrants not repeated).
	Repeats *RepeatDistribution `json:"repeats,omitempty"`
}

func (a *api) getLeaderboard(ctx context.Context, in LeaderboardInput) (LeaderboardOutput, error) {
	in.Window = cmp.Or(in.Window, "7d")
	in.SortBy = cmp.Or(in.SortBy, "pnlPercent")
	if !isLive(in.SeasonID) {
		return a.seasonLeaderboard(ctx, in)
	}
	w := windows[in.Window]
	s, err := a.scope(ctx, in.Variant)
	if err != nil {
		return LeaderboardOutput{}, err
	}
	from := a.Now().Add(-w.span)
	spans, err := a.DB.EquitySpans(ctx, s.ids, from, w.widths...)
	if err != nil {
		return LeaderboardOutput{}, dbErr(err, "equity")
	}
	act, err := a.DB.ActivityWindow(ctx, s.ids, from)
	if err != nil {
		return LeaderboardOutput{}, dbErr(err, "activity")
	}
	capital, err := a.capitals(ctx, s.ids)
	if err != nil {
		return LeaderboardOutput{}, err
	}
	period := w.widths[len(w.widths)-1]
	cs := curves(spans, period)
	out := LeaderboardOutput{Entries: make([]LeaderboardEntry, 0, len(s.models)), Window: in.Window, Intervals: a.intervalMethod(period)}
	now := a.Now()
	for _, m := range s.models {
		e := leaderboardEntry(m, cs[m.ID], act[m.ID], capital[m.ID], period)
		if c := cs[m.ID]; c != nil {
			e.Intervals = entryIntervals(a.bootstrapFor(m.ID), c, e.LLMCostUsd, period)
			e.RecordDays = roundTo(now.Sub(later(c.firstAt, from)).Hours()/24, 4)
		}
		e.Immature = a.opts.MinRecord.Immature(e.Trades, e.RecordDays)
		out.Entries = append(out.Entries, e)
	}
	rankEntries(out.Entries, in.SortBy, in.RankBy == "lowerBound")
	return out, nil
}

// capitals returns each account's initial capital (10 000 when unknown).
func (a *api) capitals(ctx context.Context, ids []string) (map[string]arena.Fixed, error) {
	accts, err := a.DB.Accounts(ctx, ids)
	if err != nil {
		return nil, dbErr(err, "accounts")
	}
	out := make(map[string]arena.Fixed, len(ids))
	for _, id := range ids {
		out[id] = arena.FixedInt(10_000)
	}
	for _, ac := range accts {
		out[ac.AccountID] = ac.Capital
	}
	return out, nil
}

func leaderboardEntry(m arena.Model, c *curve, act arena.Activity, capital arena.Fixed, period time.Duration) LeaderboardEntry {
	e := LeaderboardEntry{ModelID: m.ID, ModelName: m.Name, Variant: views.Variant(m), Kind: m.Kind,
		StartValue: capital, EndValue: capital, Trades: act.Trades, WinRate: pct(float64(act.Wins), float64(act.Trades)),
		ProfitFactor: profitFactor(act), FeesPaid: act.Fees, FundingPaid: -act.Funding, LLMCostUsd: act.CostUSD,
		TotalTokens: act.InputTokens + act.OutputTokens, Decisions: act.Invocations,
		CostPerDecision: costPer(act.CostUSD, act.Invocations),
		FailureRate:     ratio(100*float64(act.FailedAny), float64(act.Invocations), 4)}
	if c != nil && c.points >= 2 { // fewer points: no change measurable, as in the reference
		e.StartValue, e.EndValue = arena.Cents(c.first), arena.Cents(c.last)
		e.PnlAbsolute = e.EndValue - e.StartValue
		e.PnlPercent = pct(float64(c.last-c.first), float64(c.first))
		e.MaxDrawdown = roundTo(100*c.drawdown, 4)
		rs := returns(c.closes)
		e.Sharpe, e.Sortino = sharpe(rs, periodsPerYear(period)), sortino(rs, periodsPerYear(period))
	}
	e.PnlNetOfCost = e.PnlAbsolute - e.LLMCostUsd
	e.PnlNetPercent = pct(e.PnlNetOfCost.Float64(), e.StartValue.Float64())
	return e
}

// rankEntries sorts mature entrants before immature ones, each by the
// chosen key, best first: PnL descending, drawdown ascending (the smallest
// drawdown ranks highest; the reference ranked the worst first), ratios
// descending with undefined ones last. With lower set the key is the
// pessimistic end of the figure's interval (the lower end; the upper one
// for drawdown), entries without an interval last. Ties fall back to name,
// variant and id so the order is stable.
func rankEntries(es []LeaderboardEntry, by string, lower bool) {
	slices.SortFunc(es, func(x, y LeaderboardEntry) int {
		kx, okx := rankKey(x, by, lower)
		ky, oky := rankKey(y, by, lower)
		return cmp.Or(compareBool(x.Immature, y.Immature), compareBool(!okx, !oky), cmp.Compare(ky, kx),
			cmp.Compare(x.ModelName, y.ModelName), cmp.Compare(x.Variant, y.Variant), cmp.Compare(x.ModelID, y.ModelID))
	})
	for i := range es {
		es[i].Rank = i + 1
	}
}

// rankKey is e's sort key, larger is better; ok is false when undefined.
func rankKey(e LeaderboardEntry, by string, lower bool) (float64, bool) {
	iv := e.Intervals
	if iv == nil {
		iv = &EntryIntervals{}
	}
	pick := func(point float64, r *Interval) (float64, bool) {
		if !lower {
			return point, true
		}
		if r == nil {
			return 0, false
		}
		return r.Lo, true
	}
	ptr := func(p *float64, r *Interval) (float64, bool) {
		if p == nil && !lower {
			return 0, false
		}
		return pick(deref(p), r)
	}
	switch by {
	case "pnlAbsolute":
		if !lower {
			return e.PnlAbsolute.Float64(), true
		}
		if iv.PnlPercent == nil {
			return 0, false
		}
		return iv.PnlPercent.Lo / 100 * e.StartValue.Float64(), true
	case "maxDrawdown":
		if lower {
			if iv.MaxDrawdown == nil {
				return 0, false
			}
			return -iv.MaxDrawdown.Hi, true
		}
		return -e.MaxDrawdown, true
	case "pnlNetPercent":
		return pick(e.PnlNetPercent, iv.PnlNetPercent)
	case "sharpe":
		return ptr(e.Sharpe, iv.Sharpe)
	case "sortino":
		return ptr(e.Sortino, iv.Sortino)
	}
	return pick(e.PnlPercent, iv.PnlPercent)
}

// compareBool orders false before true.
func compareBool(x, y bool) int {
	switch {
	case x == y:
		return 0
	case x:
		return 1
	}
	return -1
}

func deref(p *float64) float64 {
	if p == nil {
		return 0
	}
	return *p
}

func later(t, u time.Time) time.Time {
	if t.After(u) {
		return t
	}
	return u
}
