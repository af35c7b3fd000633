package rpc

import (
	"cmp"
	"context"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/views"
)

// LiveSeason is the seasonId of the live arena, the only season until
// seasons are stored in the database.
const LiveSeason = "live"

func unknownSeason(id string) error {
	return arena.Errorf(arena.CodeNotFound, "season %q does not exist: seasons.list lists the stored seasons; %q is the live arena", id, LiveSeason)
}

// ComparisonInput is analytics.getComparison's input (beyond the reference).
type ComparisonInput struct {
	SeasonID string `json:"seasonId,omitempty"` // absent or "live": the live arena; else a stored season's id
	A        string `json:"a"`                  // model (account) ids; in a stored season, entrant ids (name/Variant)
	B        string `json:"b"`
	Window   string `json:"window,omitempty"` // live arena: 24h, 7d (default) or 30d, as the leaderboard; a season: all of it
}

// Validate requires two different ids.
func (in *ComparisonInput) Validate() error {
	var list []*Issue
	for _, f := range []struct{ name, v string }{{"a", in.A}, {"b", in.B}} {
		if f.v == "" {
			list = append(list, &Issue{Path: []any{f.name}, Message: "required: a model id (models.getModels)"})
		}
	}
	if in.A != "" && in.A == in.B {
		list = append(list, &Issue{Path: []any{"b"}, Message: "must differ from a"})
	}
	return issues(append(list, checkEnum("window", in.Window, "24h", "7d", "30d"))...)
}

// ComparisonOutput is A against B over the same periods: each one's equity
// at the end of every period both have a snapshot in, and the paired
// stationary-bootstrap probability that A's total return over those
// periods beats B's (null with fewer than two shared periods). significant
// is pBeats ≥ 0.975 or ≤ 0.025 (two-sided, 5 %).
type ComparisonOutput struct {
	SeasonID    string         `json:"seasonId"`
	Window      string         `json:"window"`
	A           ComparedModel  `json:"a"`
	B           ComparedModel  `json:"b"`
	Periods     int            `json:"periods"` // shared return periods
	PBeats      *float64       `json:"pBeats"`
	Significant bool           `json:"significant"`
	Intervals   IntervalMethod `json:"intervals"`
	// Repeats are A's and B's returns over the season's repeats (worker
	// season repeat, imported): null for the live arena or a season without
	// repeats, a side null when that entrant was not repeated.
	Repeats *ComparisonRepeats `json:"repeats"`
}

// ComparisonRepeats are the two sides' distributions over repeats.
type ComparisonRepeats struct {
	A *RepeatDistribution `json:"a"`
	B *RepeatDistribution `json:"b"`
}

// ComparedModel is one side of a comparison.
type ComparedModel struct {
	ModelID    string          `json:"modelId"`
	ModelName  string          `json:"modelName"`
	Variant    arena.Variant   `json:"variant"`
	Kind       arena.ModelKind `json:"kind"`
	PnlPercent float64         `json:"pnlPercent"` // over the shared periods
	Equity     []EquityAt      `json:"equity"`
}

// EquityAt is an account's equity at the end of one period (the period's
// start time and its last snapshot).
type EquityAt struct {
	Time  string      `json:"time"`
	Value arena.Fixed `json:"value"`
}

func (a *api) getComparison(ctx context.Context, in ComparisonInput) (ComparisonOutput, error) {
	in.SeasonID, in.Window = cmp.Or(in.SeasonID, LiveSeason), cmp.Or(in.Window, "7d")
	if in.SeasonID != LiveSeason {
		return a.seasonComparison(ctx, in)
	}
	s, err := a.scope(ctx, "")
	if err != nil {
		return ComparisonOutput{}, err
	}
	for _, id := range []string{in.A, in.B} {
		if _, ok := s.byID[id]; !ok {
			return ComparisonOutput{}, arena.Errorf(arena.CodeNotFound, "model %q does not exist", id)
		}
	}
	w := windows[in.Window]
	period := w.widths[len(w.widths)-1]
	now := a.Now()
	points, err := a.DB.LastPerBucket(ctx, []string{in.A, in.B}, period, now.Add(-w.span), now.Add(time.Nanosecond))
	if err != nil {
		return ComparisonOutput{}, dbErr(err, "equity")
	}
	ea, eb := alignEquity(points, in.A, in.B)
	out := ComparisonOutput{SeasonID: in.SeasonID, Window: in.Window, Intervals: a.intervalMethod(period),
		A: comparedModel(s.model(in.A), ea), B: comparedModel(s.model(in.B), eb)}
	a.pBeats(&out, in, ea, eb)
	return out, nil
}

// pBeats fills in the paired bootstrap over the aligned series.
func (a *api) pBeats(out *ComparisonOutput, in ComparisonInput, ea, eb []arena.EquityPoint) {
	ra, rb := returns(cents(ea)), returns(cents(eb))
	if n := min(len(ra), len(rb)); n >= 2 {
		out.Periods = n
		p, sig, _ := a.bootstrapFor(in.A+"\x00"+in.B).PBeats(ra[:n], rb[:n])
		p = roundTo(p, 4)
		out.PBeats, out.Significant = &p, sig
	}
}

// seasonComparison compares two entrants of a stored season over its
// whole run (5-minute periods), with their distributions over the
// season's repeats when it has some.
func (a *api) seasonComparison(ctx context.Context, in ComparisonInput) (ComparisonOutput, error) {
	run, err := a.loadSeasonRun(ctx, in.SeasonID, []string{in.A, in.B})
	if err != nil {
		return ComparisonOutput{}, err
	}
	models := map[string]arena.Model{}
	for _, e := range run.entrants {
		models[e.EntrantID] = arena.Model{ID: e.EntrantID, Name: e.Name, Variant: e.Variant, Kind: e.Kind}
	}
	var points []arena.EquityPoint
	for _, id := range []string{in.A, in.B} {
		if _, ok := models[id]; !ok {
			return ComparisonOutput{}, arena.Errorf(arena.CodeNotFound, "season %q has no entrant %q", in.SeasonID, id)
		}
		for _, p := range run.equity[id] {
			points = append(points, arena.EquityPoint{ModelID: id, BucketStart: p.At, Cents: fixedCents(p.Equity)})
		}
	}
	ea, eb := alignEquity(points, in.A, in.B)
	out := ComparisonOutput{SeasonID: in.SeasonID, Window: "season", Intervals: a.intervalMethod(seasonPeriod),
		A: comparedModel(models[in.A], ea), B: comparedModel(models[in.B], eb)}
	a.pBeats(&out, in, ea, eb)
	reps, err := a.repeatReturns(ctx, in.SeasonID)
	ra, rb := a.distribution(in.SeasonID, in.A, reps[in.A]), a.distribution(in.SeasonID, in.B, reps[in.B])
	if ra != nil || rb != nil {
		out.Repeats = &ComparisonRepeats{A: ra, B: rb}
	}
	return out, err
}

// alignEquity keeps the buckets both ids have a snapshot in, in time order.
func alignEquity(points []arena.EquityPoint, a, b string) (ea, eb []arena.EquityPoint) {
	other := map[time.Time]arena.EquityPoint{}
	for _, p := range points {
		if p.ModelID == b {
			other[p.BucketStart] = p
		}
	}
	for _, p := range points {
		if q, ok := other[p.BucketStart]; ok && p.ModelID == a {
			ea, eb = append(ea, p), append(eb, q)
		}
	}
	return ea, eb
}

func cents(ps []arena.EquityPoint) []int64 {
	out := make([]int64, len(ps))
	for i, p := range ps {
		out[i] = p.Cents
	}
	return out
}

func comparedModel(m arena.Model, ps []arena.EquityPoint) ComparedModel {
	c := ComparedModel{ModelID: m.ID, ModelName: m.Name, Variant: views.Variant(m), Kind: m.Kind, Equity: make([]EquityAt, len(ps))}
	for i, p := range ps {
		c.Equity[i] = EquityAt{Time: ISO(p.BucketStart), Value: arena.Cents(p.Cents)}
	}
	if n := len(ps); n >= 2 {
		c.PnlPercent = pct(float64(ps[n-1].Cents-ps[0].Cents), float64(ps[0].Cents))
	}
	return c
}
