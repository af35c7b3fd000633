package rpc

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/views"
)

// HistoryInput is trading.getPortfolioHistory's input.
type HistoryInput struct {
	Variant   string `json:"variant,omitempty"`
	StartDate string `json:"startDate,omitempty"` // ISO 8601
	EndDate   string `json:"endDate,omitempty"`   // ISO 8601, exclusive
	MaxPoints *int   `json:"maxPoints,omitempty"` // 100..15000
}

// Validate checks dates and bounds.
func (in *HistoryInput) Validate() error {
	var list []*Issue
	start, i1 := parseISO("startDate", in.StartDate)
	end, i2 := parseISO("endDate", in.EndDate)
	list = append(list, checkVariant(in.Variant, true), i1, i2, checkInt("maxPoints", in.MaxPoints, 100, 15000))
	if i1 == nil && i2 == nil && !start.IsZero() && !end.IsZero() && !start.Before(end) {
		list = append(list, &Issue{Path: []any{"endDate"}, Message: "must be after startDate"})
	}
	return issues(list...)
}

func parseISO(field, v string) (time.Time, *Issue) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, &Issue{Path: []any{field}, Message: "invalid datetime: expected ISO 8601 such as 2026-01-02T15:04:05.000Z"}
	}
	return t, nil
}

// HistoryOutput is trading.getPortfolioHistory's output.
type HistoryOutput struct {
	History    []HistoryEntry `json:"history"`
	Resolution string         `json:"resolution"` // 1m, 5m, 15m, 1h or 4h
}

// HistoryEntry is the last equity snapshot of one account (or, without a
// variant, the mean over a model's accounts) in one bucket, stamped with
// the bucket's start; the latest snapshot of each series is appended at
// its own time, so the chart ends at the current value.
type HistoryEntry struct {
	ID           string       `json:"id"`
	ModelID      string       `json:"modelId"`
	NetPortfolio string       `json:"netPortfolio"` // two decimals, as stored
	CreatedAt    string       `json:"createdAt"`
	UpdatedAt    string       `json:"updatedAt"`
	Model        HistoryModel `json:"model"`
	at           time.Time
}

// HistoryModel names the account of an entry.
type HistoryModel struct {
	Name                string          `json:"name"`
	Variant             arena.Variant   `json:"variant,omitempty"`
	OpenRouterModelName string          `json:"openRouterModelName,omitempty"`
	Kind                arena.ModelKind `json:"kind"`
}

// resolutions are the chart's bucket widths, finest first, and the longest
// data range each is chosen for (§6: ≤24 h → 1m, ≤3 d → 5m, ≤7 d → 15m,
// ≤30 d → 1h, else 4h).
var resolutions = []struct {
	name  string
	width time.Duration
	upTo  time.Duration
}{
	{"1m", time.Minute, 24 * time.Hour},
	{"5m", arena.Bucket5m, 3 * 24 * time.Hour},
	{"15m", arena.Bucket15m, 7 * 24 * time.Hour},
	{"1h", arena.Bucket1h, 30 * 24 * time.Hour},
	{"4h", arena.Bucket4h, 1<<63 - 1},
}

// pickResolution applies the range rule, then coarsens while the estimated
// number of points exceeds maxPoints (0: no cap). The reference accepted
// maxPoints but ignored it; here it bounds the answer.
func pickResolution(span time.Duration, series, maxPoints int) int {
	i := 0
	for span > resolutions[i].upTo {
		i++
	}
	for maxPoints > 0 && i < len(resolutions)-1 && series*(int(span/resolutions[i].width)+2) > maxPoints {
		i++
	}
	return i
}

func (a *api) getPortfolioHistory(ctx context.Context, in HistoryInput) (HistoryOutput, error) {
	s, err := a.scope(ctx, in.Variant)
	if err != nil {
		return HistoryOutput{}, err
	}
	from, _ := parseISO("", in.StartDate)
	to, _ := parseISO("", in.EndDate)
	if from.IsZero() {
		from = time.Unix(0, 0)
	}
	if to.IsZero() {
		to = a.Now().Add(time.Hour) // snapshots stamped slightly ahead of this clock still count
	}
	out := HistoryOutput{History: []HistoryEntry{}, Resolution: resolutions[0].name}
	first, last, ok, err := a.DB.SnapshotRange(ctx, s.ids, from, to)
	if err != nil || !ok {
		return out, dbErrOrNil(err, "equity history")
	}
	aggregate := in.Variant == "" || in.Variant == arena.VariantAll
	series := len(s.ids)
	if aggregate {
		series = countNames(s.models)
	}
	maxPoints := 0
	if in.MaxPoints != nil {
		maxPoints = *in.MaxPoints
	}
	res := resolutions[pickResolution(last.Sub(first), series, maxPoints)]
	out.Resolution = res.name
	points, err := a.DB.LastPerBucket(ctx, s.ids, res.width, from, to)
	if err != nil {
		return HistoryOutput{}, dbErr(err, "equity history")
	}
	if aggregate {
		out.History = averageByName(points, &s)
	} else {
		out.History = perAccount(points, &s)
	}
	return out, nil
}

func dbErrOrNil(err error, what string) error {
	if err == nil {
		return nil
	}
	return dbErr(err, what)
}

func countNames(ms []arena.Model) int {
	names := map[string]bool{}
	for _, m := range ms {
		names[m.Name] = true
	}
	return len(names)
}

func historyModel(m arena.Model) HistoryModel {
	return HistoryModel{Name: m.Name, Variant: views.Variant(m), OpenRouterModelName: m.ProviderModel, Kind: m.Kind}
}

// perAccount turns bucket points (ordered by model, then bucket) into
// entries, appending each account's latest snapshot at its own time.
func perAccount(points []arena.EquityPoint, s *scope) []HistoryEntry {
	out := make([]HistoryEntry, 0, len(points)+len(s.ids))
	for i, p := range points {
		m := s.model(p.ModelID)
		e := HistoryEntry{ID: p.ID, ModelID: p.ModelID, NetPortfolio: centsText(p.Cents), CreatedAt: ISO(p.BucketStart),
			UpdatedAt: ISO(p.UpdatedAt), Model: historyModel(m), at: p.BucketStart}
		out = append(out, e)
		if (i+1 == len(points) || points[i+1].ModelID != p.ModelID) && p.At.After(p.BucketStart) {
			e.CreatedAt, e.at = ISO(p.At), p.At
			out = append(out, e)
		}
	}
	sortEntries(out)
	return out
}

// averageByName merges the accounts of each model name: per bucket, the
// mean of the accounts' last values (rounded to the cent), stamped with the
// most recent of them; then the mean of each account's latest snapshot.
func averageByName(points []arena.EquityPoint, s *scope) []HistoryEntry {
	type key struct {
		name string
		at   time.Time
	}
	type group struct {
		sum, n int64
		last   arena.EquityPoint
	}
	groups := map[key]*group{}
	add := func(k key, p arena.EquityPoint) {
		g := groups[k]
		if g == nil {
			g = &group{}
			groups[k] = g
		}
		g.sum += p.Cents
		g.n++
		if g.n == 1 || p.At.After(g.last.At) || p.At.Equal(g.last.At) && p.ModelID > g.last.ModelID {
			g.last = p
		}
	}
	latest := map[string]key{} // name -> key of its "latest" group
	for i, p := range points {
		name := s.model(p.ModelID).Name
		add(key{name, p.BucketStart}, p)
		if i+1 == len(points) || points[i+1].ModelID != p.ModelID {
			k := key{name + "\x00latest", time.Time{}}
			add(k, p)
			latest[name] = k
		}
	}
	lastBucket := map[string]time.Time{}
	out := make([]HistoryEntry, 0, len(groups))
	for k, g := range groups {
		if k.at.IsZero() {
			continue
		}
		out = append(out, groupEntry(g.last, g.sum, g.n, k.at, s))
		if k.at.After(lastBucket[k.name]) {
			lastBucket[k.name] = k.at
		}
	}
	for name, k := range latest {
		g := groups[k]
		if g.last.At.After(lastBucket[name]) {
			out = append(out, groupEntry(g.last, g.sum, g.n, g.last.At, s))
		}
	}
	sortEntries(out)
	return out
}

func groupEntry(last arena.EquityPoint, sum, n int64, at time.Time, s *scope) HistoryEntry {
	return HistoryEntry{ID: last.ID, ModelID: last.ModelID, NetPortfolio: centsText(meanCents(sum, n)),
		CreatedAt: ISO(at), UpdatedAt: ISO(last.UpdatedAt), Model: historyModel(s.model(last.ModelID)), at: at}
}

// sortEntries orders entries by time, then model name and id. It sorts
// compact integer keys and moves each (large) entry once.
func sortEntries(es []HistoryEntry) {
	type key struct {
		at   int64
		rank int32 // of the entry's model by name, then id
		idx  int32
	}
	ranks := map[string]int32{}
	for i := range es {
		ranks[es[i].ModelID] = 0
	}
	ids := make([]string, 0, len(ranks))
	for id := range ranks {
		ids = append(ids, id)
	}
	name := map[string]string{}
	for i := range es {
		name[es[i].ModelID] = es[i].Model.Name
	}
	slices.SortFunc(ids, func(a, b string) int { return cmp.Or(cmp.Compare(name[a], name[b]), cmp.Compare(a, b)) })
	for r, id := range ids {
		ranks[id] = int32(r)
	}
	keys := make([]key, len(es))
	for i := range es {
		keys[i] = key{at: es[i].at.UnixNano(), rank: ranks[es[i].ModelID], idx: int32(i)}
	}
	slices.SortFunc(keys, func(x, y key) int { return cmp.Or(cmp.Compare(x.at, y.at), cmp.Compare(x.rank, y.rank)) })
	sorted := make([]HistoryEntry, len(es))
	for i, k := range keys {
		sorted[i] = es[k.idx]
	}
	copy(es, sorted)
}

// meanCents divides exactly, rounding half away from zero.
func meanCents(sum, n int64) int64 {
	q, r := sum/n, sum%n
	switch {
	case r > 0 && 2*r >= n:
		q++
	case r < 0 && -2*r >= n:
		q--
	}
	return q
}

// centsText formats cents with exactly two decimals ("10000.00").
func centsText(c int64) string {
	sign := ""
	if c < 0 {
		sign, c = "-", -c
	}
	return fmt.Sprintf("%s%s.%02d", sign, strconv.FormatInt(c/100, 10), c%100)
}
