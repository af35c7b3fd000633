package rpc

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/autonome-go/autonome/shared/arena"
)

// Seasons are recorded runs imported from bundles (worker season import)
// or recorded by the live worker, read from "Seasons" and the
// season-scoped tables of migration 00160. The live arena itself is the
// season LiveSeason, the default of every analytics procedure.

// SeasonInput names one season.
type SeasonInput struct {
	ID string `json:"id"`
}

// Validate requires the id.
func (in *SeasonInput) Validate() error { return issues(requireID("id", in.ID)) }

func requireID(field, v string) *Issue {
	if strings.TrimSpace(v) == "" {
		return &Issue{Path: []any{field}, Message: "required: a season id (seasons.list)"}
	}
	return nil
}

// SeasonsOutput is seasons.list's output.
type SeasonsOutput struct {
	Seasons []SeasonSummary `json:"seasons"`
}

// SeasonSummary is one season as listed: its result hash and how it was
// verified (replayed: checksums checked and replayed to the hash; failed:
// the replay gave another hash, verifyError says how; checksums: checksums
// only; recorded: written by the live worker, not verified). An A/B season
// names its parent and the swap that made it.
type SeasonSummary struct {
	ID               string  `json:"id"`
	Name             string  `json:"name"`
	Start            string  `json:"start"`
	End              string  `json:"end"`
	Entrants         int     `json:"entrants"`
	ResultHash       string  `json:"resultHash"`
	ParentID         *string `json:"parentId"`
	ParentResultHash *string `json:"parentResultHash"`
	Swap             string  `json:"swap"`
	Source           string  `json:"source"` // bundle or live
	Verification     string  `json:"verification"`
	VerifyError      string  `json:"verifyError,omitempty"`
	VerifiedAt       *string `json:"verifiedAt"`
	ImportedAt       string  `json:"importedAt"`
	BundleSHA256     string  `json:"bundleSha256"`
	BundleBytes      int64   `json:"bundleBytes"`
}

// SeasonOutput is seasons.get's output: the summary, the bundle's manifest
// (files and their SHA-256, code version, result hash) and the methodology
// card (data, fees, slippage, latency, funding, liquidation, limits,
// decision interval, models as called and their training cutoffs).
type SeasonOutput struct {
	Season      SeasonSummary   `json:"season"`
	Manifest    json.RawMessage `json:"manifest"`
	Methodology json.RawMessage `json:"methodology"`
}

func (a *api) listSeasons(ctx context.Context, _ EmptyInput) (SeasonsOutput, error) {
	rows, err := a.DB.Seasons(ctx)
	if err != nil {
		return SeasonsOutput{}, dbErr(err, "the seasons")
	}
	out := SeasonsOutput{Seasons: make([]SeasonSummary, len(rows))}
	for i := range rows {
		out.Seasons[i] = seasonSummary(&rows[i])
	}
	return out, nil
}

func (a *api) getSeason(ctx context.Context, in SeasonInput) (SeasonOutput, error) {
	s, err := a.season(ctx, in.ID)
	if err != nil {
		return SeasonOutput{}, err
	}
	return SeasonOutput{Season: seasonSummary(&s), Manifest: s.Manifest, Methodology: s.Methodology}, nil
}

// season reads an imported season: NOT_FOUND when there is none.
func (a *api) season(ctx context.Context, id string) (arena.SeasonRecord, error) {
	s, err := a.DB.Season(ctx, id)
	if arena.ErrorCode(err) == arena.CodeNotFound {
		return s, unknownSeason(id)
	}
	if err != nil {
		return s, dbErr(err, "the season")
	}
	return s, nil
}

func seasonSummary(s *arena.SeasonRecord) SeasonSummary {
	out := SeasonSummary{ID: s.ID, Name: s.Name, Start: ISO(s.Start), End: ISO(s.End), Entrants: s.Entrants, ResultHash: s.ResultHash,
		Swap: s.Swap, Source: s.Source, Verification: s.Status(), VerifyError: s.VerifyError, ImportedAt: ISO(s.ImportedAt),
		BundleSHA256: s.BundleSHA256, BundleBytes: s.BundleBytes}
	if out.Name == "" {
		out.Name = s.ID
	}
	if s.ParentID != "" {
		out.ParentID, out.ParentResultHash = &s.ParentID, &s.ParentResultHash
	}
	if !s.VerifiedAt.IsZero() {
		v := ISO(s.VerifiedAt)
		out.VerifiedAt = &v
	}
	return out
}
