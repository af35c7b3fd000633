package rpc

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"strings"

	"github.com/autonome-go/autonome/shared/arena"
)

// SeasonEquityInput is seasons.getEquity's input.
type SeasonEquityInput struct {
	ID       string   `json:"id"`
	Entrants []string `json:"entrants,omitempty"` // entrant ids; none: every entrant
}

// Validate requires the id and bounds the entrant list.
func (in *SeasonEquityInput) Validate() error {
	var big *Issue
	if len(in.Entrants) > 100 {
		big = &Issue{Path: []any{"entrants"}, Message: "at most 100 entrants"}
	}
	return issues(requireID("id", in.ID), big)
}

// SeasonEquityOutput is each entrant's equity at every 5-minute boundary of
// the season, in roster order.
type SeasonEquityOutput struct {
	Series []EquitySeries `json:"series"`
}

// EquitySeries is one entrant's curve.
type EquitySeries struct {
	EntrantID string     `json:"entrantId"`
	Name      string     `json:"name"`
	Variant   string     `json:"variant"`
	Equity    []EquityAt `json:"equity"`
}

func (a *api) getSeasonEquity(ctx context.Context, in SeasonEquityInput) (SeasonEquityOutput, error) {
	if _, err := a.season(ctx, in.ID); err != nil {
		return SeasonEquityOutput{}, err
	}
	es, err := a.DB.SeasonEntrants(ctx, in.ID)
	if err != nil {
		return SeasonEquityOutput{}, dbErr(err, "the season's entrants")
	}
	ps, err := a.DB.SeasonEquity(ctx, in.ID, in.Entrants)
	if err != nil {
		return SeasonEquityOutput{}, dbErr(err, "the season's equity")
	}
	slices.SortFunc(es, func(x, y arena.SeasonEntrant) int { return cmp.Compare(x.Position, y.Position) })
	by := map[string][]EquityAt{}
	for _, p := range ps {
		by[p.EntrantID] = append(by[p.EntrantID], EquityAt{Time: ISO(p.At), Value: p.Equity})
	}
	out := SeasonEquityOutput{Series: []EquitySeries{}}
	for _, e := range es {
		if pts, ok := by[e.EntrantID]; ok {
			out.Series = append(out.Series, EquitySeries{EntrantID: e.EntrantID, Name: e.Name, Variant: string(e.Variant), Equity: pts})
		}
	}
	return out, nil
}

// SeasonDecisionsInput is seasons.getDecisions' input.
type SeasonDecisionsInput struct {
	ID        string `json:"id"`
	EntrantID string `json:"entrantId,omitempty"` // one entrant; empty: all
	Limit     *int   `json:"limit,omitempty"`     // 1..500, default 100
}

// Validate checks the bounds.
func (in *SeasonDecisionsInput) Validate() error {
	return issues(requireID("id", in.ID), checkInt("limit", in.Limit, 1, 500))
}

// SeasonDecisionsOutput is a season's decisions in slot order: what each
// model was asked at a slot is in the bundle; here is what it did.
type SeasonDecisionsOutput struct {
	Decisions []SeasonDecision `json:"decisions"`
}

// SeasonDecision is one model turn: its tool calls (excerpts: arguments
// 2 KiB, outputs 1 KiB), its reply (4 KiB), its failure, tokens and cost,
// and a digest of the calls (equal digests, equal decisions).
type SeasonDecision struct {
	EntrantID    string          `json:"entrantId"`
	Slot         string          `json:"slot"`
	Actions      json.RawMessage `json:"actions"`
	Digest       string          `json:"digest"`
	Response     string          `json:"response"`
	Failure      string          `json:"failure,omitempty"`
	InputTokens  int64           `json:"inputTokens"`
	OutputTokens int64           `json:"outputTokens"`
	CostUsd      arena.Fixed     `json:"costUsd"`
	LatencyMs    int64           `json:"latencyMs"`
}

func (a *api) getSeasonDecisions(ctx context.Context, in SeasonDecisionsInput) (SeasonDecisionsOutput, error) {
	if _, err := a.season(ctx, in.ID); err != nil {
		return SeasonDecisionsOutput{}, err
	}
	limit := 100
	if in.Limit != nil {
		limit = *in.Limit
	}
	ds, err := a.DB.SeasonDecisions(ctx, in.ID, in.EntrantID, limit)
	if err != nil {
		return SeasonDecisionsOutput{}, dbErr(err, "the season's decisions")
	}
	out := SeasonDecisionsOutput{Decisions: make([]SeasonDecision, len(ds))}
	for i := range ds {
		out.Decisions[i] = seasonDecision(&ds[i])
	}
	return out, nil
}

func seasonDecision(d *arena.SeasonDecision) SeasonDecision {
	return SeasonDecision{EntrantID: d.EntrantID, Slot: ISO(d.Slot), Actions: d.Actions, Digest: d.Digest, Response: d.Response,
		Failure: d.Failure, InputTokens: d.InputTokens, OutputTokens: d.OutputTokens, CostUsd: d.CostUSD, LatencyMs: d.LatencyMS}
}

// PairOutput is seasons.getPair's output: an A/B season (B, made by
// replay --swap) beside its parent (A) on the same tape. Entrant is the
// swapped seat; equity is its curve in A and in B; differing lists the
// slots where its decision in B differs from A's (or exists in one only).
type PairOutput struct {
	A         SeasonSummary  `json:"a"`
	B         SeasonSummary  `json:"b"`
	Swap      string         `json:"swap"`
	Entrant   string         `json:"entrant"`
	EquityA   []EquityAt     `json:"equityA"`
	EquityB   []EquityAt     `json:"equityB"`
	Decisions int            `json:"decisions"` // slots where either decided
	Differing []DecisionDiff `json:"differing"`
}

// DecisionDiff is one slot where A and B decided differently; a side is
// null when it made no decision at that slot.
type DecisionDiff struct {
	Slot string          `json:"slot"`
	A    *SeasonDecision `json:"a"`
	B    *SeasonDecision `json:"b"`
}

// maxPairDecisions bounds the decisions read per side of a pair.
const maxPairDecisions = 5000

func (a *api) getPair(ctx context.Context, in SeasonInput) (PairOutput, error) {
	b, err := a.season(ctx, in.ID)
	if err != nil {
		return PairOutput{}, err
	}
	if b.ParentID == "" {
		return PairOutput{}, arena.Errorf(arena.CodeNotFound, "season %q has no parent: it is not an A/B season", in.ID)
	}
	par, err := a.DB.Season(ctx, b.ParentID)
	if arena.ErrorCode(err) == arena.CodeNotFound {
		return PairOutput{}, arena.Errorf(arena.CodeNotFound, "the parent %q of season %q is not imported", b.ParentID, in.ID)
	} else if err != nil {
		return PairOutput{}, dbErr(err, "the parent season")
	}
	entrant := cutSwap(b.Swap)
	out := PairOutput{A: seasonSummary(&par), B: seasonSummary(&b), Swap: b.Swap, Entrant: entrant, Differing: []DecisionDiff{}}
	if out.EquityA, err = a.entrantEquity(ctx, par.ID, entrant); err != nil {
		return PairOutput{}, err
	}
	if out.EquityB, err = a.entrantEquity(ctx, b.ID, entrant); err != nil {
		return PairOutput{}, err
	}
	da, err := a.DB.SeasonDecisions(ctx, par.ID, entrant, maxPairDecisions)
	if err != nil {
		return PairOutput{}, dbErr(err, "the parent's decisions")
	}
	db, err := a.DB.SeasonDecisions(ctx, b.ID, entrant, maxPairDecisions)
	if err != nil {
		return PairOutput{}, dbErr(err, "the season's decisions")
	}
	out.Decisions, out.Differing = diffDecisions(da, db)
	return out, nil
}

// cutSwap returns the entrant of a swap (ENTRANT=kind:value).
func cutSwap(s string) string {
	entrant, _, _ := strings.Cut(s, "=")
	return entrant
}

func (a *api) entrantEquity(ctx context.Context, season, entrant string) ([]EquityAt, error) {
	ps, err := a.DB.SeasonEquity(ctx, season, []string{entrant})
	if err != nil {
		return nil, dbErr(err, "the season's equity")
	}
	out := make([]EquityAt, len(ps))
	for i, p := range ps {
		out[i] = EquityAt{Time: ISO(p.At), Value: p.Equity}
	}
	return out, nil
}

// diffDecisions merges two slot-ordered decision lists and keeps the slots
// where they differ.
func diffDecisions(a, b []arena.SeasonDecision) (int, []DecisionDiff) {
	n, out := 0, []DecisionDiff{}
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		var da, db *arena.SeasonDecision
		switch {
		case j >= len(b) || (i < len(a) && a[i].Slot.Before(b[j].Slot)):
			da, i = &a[i], i+1
		case i >= len(a) || b[j].Slot.Before(a[i].Slot):
			db, j = &b[j], j+1
		default:
			da, db, i, j = &a[i], &b[j], i+1, j+1
		}
		n++
		if da != nil && db != nil && da.Digest == db.Digest {
			continue
		}
		d := DecisionDiff{}
		if da != nil {
			sd := seasonDecision(da)
			d.A, d.Slot = &sd, sd.Slot
		}
		if db != nil {
			sd := seasonDecision(db)
			d.B, d.Slot = &sd, sd.Slot
		}
		out = append(out, d)
	}
	return n, out
}
