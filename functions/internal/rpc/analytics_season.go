package rpc

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/stats"
)

// seasonPeriod is the return period of a stored season's statistics: its
// equity is stored every 5 minutes.
const seasonPeriod = 5 * time.Minute

// seasonRun is one run of a stored season (the season itself, or one of
// its repeats): each entrant's leaderboard line and equity.
type seasonRun struct {
	id       string // the run's season id
	entrants []arena.SeasonEntrant
	equity   map[string][]arena.SeasonEquity
	activity map[string]arena.Activity // decisions and closed trades
}

// loadSeasonRun reads a stored season; NOT_FOUND when there is none.
func (a *api) loadSeasonRun(ctx context.Context, id string, ids []string) (seasonRun, error) {
	if _, err := a.DB.Season(ctx, id); err != nil {
		if arena.ErrorCode(err) == arena.CodeNotFound {
			return seasonRun{}, unknownSeason(id)
		}
		return seasonRun{}, dbErr(err, "the season")
	}
	r := seasonRun{id: id, equity: map[string][]arena.SeasonEquity{}}
	var err error
	if r.entrants, err = a.DB.SeasonEntrants(ctx, id); err != nil {
		return r, dbErr(err, "the season's entrants")
	}
	if r.activity, err = a.DB.SeasonActivity(ctx, id); err != nil {
		return r, dbErr(err, "the season's activity")
	}
	eq, err := a.DB.SeasonEquity(ctx, id, ids)
	if err != nil {
		return r, dbErr(err, "the season's equity")
	}
	for _, p := range eq {
		r.equity[p.EntrantID] = append(r.equity[p.EntrantID], p)
	}
	return r, nil
}

// repeatsOf lists the repeats of a stored season (children imported from
// `worker season repeat` bundles, swap "repeat:ENTRANT#i") of entrant, or
// of every entrant when entrant is "", in id order.
func (a *api) repeatsOf(ctx context.Context, id, entrant string) ([]arena.SeasonRecord, error) {
	all, err := a.DB.Seasons(ctx)
	if err != nil {
		return nil, dbErr(err, "the seasons")
	}
	var out []arena.SeasonRecord
	for _, s := range all {
		if s.ParentID == id && strings.HasPrefix(s.Swap, "repeat:"+entrant) {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(x, y arena.SeasonRecord) int { return strings.Compare(x.ID, y.ID) })
	return out, nil
}

// entry is a stored season entrant's leaderboard entry, computed as the
// live arena's is (leaderboardEntry) from its 5-minute equity, its
// decisions and its closed trades, with intervals and the minimum record.
func (r *seasonRun) entry(b stats.Bootstrap, m stats.MinRecord, e arena.SeasonEntrant) LeaderboardEntry {
	ps := r.equity[e.EntrantID]
	var c *curve
	if len(ps) >= 2 {
		c = &curve{first: fixedCents(ps[0].Equity), last: fixedCents(ps[len(ps)-1].Equity), points: len(ps), firstAt: ps[0].At}
		eq := make([]float64, len(ps))
		for i, p := range ps {
			c.closes = append(c.closes, fixedCents(p.Equity))
			eq[i] = p.Equity.Float64()
		}
		c.drawdown = stats.MaxDrawdown(eq)
	}
	out := leaderboardEntry(seasonModel(e), c, r.activity[e.EntrantID], e.Capital, seasonPeriod)
	// The whole season: from the entrant's capital at its start to its
	// final equity (the curve's last sample may come before the end).
	out.Rank = e.Rank
	out.StartValue, out.EndValue, out.PnlAbsolute = e.Capital, e.Equity, e.Equity-e.Capital
	out.PnlPercent = pct(out.PnlAbsolute.Float64(), e.Capital.Float64())
	out.PnlNetOfCost = out.PnlAbsolute - out.LLMCostUsd
	out.PnlNetPercent = pct(out.PnlNetOfCost.Float64(), e.Capital.Float64())
	if c != nil {
		out.Intervals = entryIntervals(b, c, out.LLMCostUsd, seasonPeriod)
		out.RecordDays = roundTo(ps[len(ps)-1].At.Sub(ps[0].At).Hours()/24, 4)
	}
	out.Immature = m.Immature(out.Trades, out.RecordDays)
	return out
}

// seasonModel is a season entrant as the statistics see a model: its
// entrant id stands for the model id.
func seasonModel(e arena.SeasonEntrant) arena.Model {
	return arena.Model{ID: e.EntrantID, Name: e.Name, Variant: e.Variant, Kind: e.Kind, Provider: e.Provider, ProviderModel: e.Model}
}

func fixedCents(f arena.Fixed) int64 { return int64(f / (arena.FixedScale / 100)) }

// RepeatDistribution is one entrant's return over the repeats of a season.
type RepeatDistribution struct {
	Runs     []float64 `json:"runs"` // return in percent, one per repeat, in run order
	Mean     float64   `json:"mean"`
	SD       float64   `json:"sd"`
	Min      float64   `json:"min"`
	Max      float64   `json:"max"`
	Interval *Interval `json:"interval"` // 95% bootstrap interval of the mean
}

// repeatReturns reads each repeated entrant's return (percent) in every
// repeat of season, in run order.
func (a *api) repeatReturns(ctx context.Context, season string) (map[string][]float64, error) {
	reps, err := a.repeatsOf(ctx, season, "")
	if err != nil {
		return nil, err
	}
	out := map[string][]float64{}
	for _, rep := range reps {
		entrant, _, _ := strings.Cut(strings.TrimPrefix(rep.Swap, "repeat:"), "#")
		es, err := a.DB.SeasonEntrants(ctx, rep.ID)
		if err != nil {
			return nil, dbErr(err, "a repeat's entrants")
		}
		if i := slices.IndexFunc(es, func(e arena.SeasonEntrant) bool { return e.EntrantID == entrant }); i >= 0 {
			out[entrant] = append(out[entrant], roundTo(es[i].ReturnPct.Float64(), 4))
		}
	}
	return out, nil
}

// distribution summarises an entrant's returns over repeats; nil for none.
func (a *api) distribution(season, entrant string, runs []float64) *RepeatDistribution {
	if len(runs) == 0 {
		return nil
	}
	sum := a.bootstrapFor(season + "\x00" + entrant).Summarize(runs)
	return &RepeatDistribution{Runs: runs, Mean: roundTo(sum.Mean, 4), SD: roundTo(sum.SD, 4), Min: sum.Min, Max: sum.Max,
		Interval: interval(sum.Interval, nil, 0)}
}
