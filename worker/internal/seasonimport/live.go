package seasonimport

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/postgres"
	"github.com/autonome-go/autonome/worker/internal/season"
)

// buildLive converts a live period's bundle (season.LiveKind, written by
// worker season export) to its rows: its journals are replayed unless o
// says checksums only; it is stored as source "live", with its period's
// leaderboard and equity curves. A live period has no decisions: its
// model calls are kept in the bundle, not attributed to seats.
func buildLive(b *season.Bundle, o Options, now func() time.Time) (im postgres.SeasonImport, verr error, err error) {
	var c season.Config
	if err := json.Unmarshal(b.Files[season.ConfigFile], &c); err != nil {
		return im, nil, fmt.Errorf("bundle: bad %s: %w", season.ConfigFile, err)
	}
	var lr season.LiveResult
	if err := json.Unmarshal(b.Files[season.ResultFile], &lr); err != nil {
		return im, nil, fmt.Errorf("bundle: bad %s: %w", season.ResultFile, err)
	}
	verified := false
	if !o.ChecksumsOnly {
		replayed, err := season.VerifyLive(b)
		if err == nil {
			lr, verified = *replayed, true
		} else {
			verr = err
		}
	}
	res := &season.Result{Leaderboard: lr.Leaderboard, Equity: lr.Equity, Trades: lr.Trades, Hash: b.Manifest.ResultHash}
	if im, err = rows(b, c, res); err != nil {
		return im, nil, err
	}
	if im.Decisions, err = liveDecisions(b.Files[season.LiveDecisionsFile]); err != nil {
		return im, nil, err
	}
	// A period's figures run from each account's equity at its start (the
	// ledgers carry on across periods), as the leaderboard's returns do.
	opening := map[string]arena.Fixed{}
	for _, s := range lr.Equity {
		if len(s.Points) > 0 && s.Points[0].Equity > 0 {
			opening[s.Entrant] = s.Points[0].Equity
		}
	}
	for i := range im.Entrants {
		if v, ok := opening[im.Entrants[i].EntrantID]; ok {
			im.Entrants[i].Capital = v
		}
	}
	card := Methodology(c)
	liveCard(&card, c, &lr)
	if im.Season.Methodology, err = json.Marshal(card); err != nil {
		return im, nil, err
	}
	row := &im.Season
	row.Name, row.Source, row.Verified = cmp.Or(o.Name, c.ID), arena.SeasonLive, verified
	if verified || verr != nil {
		row.VerifiedAt = now().UTC()
	}
	if verr != nil {
		row.VerifyError, _ = arena.Excerpt(verr.Error(), 4096)
	}
	return im, verr, nil
}

// liveCard says how the live arena's numbers differ from a season run's.
func liveCard(card *Card, c season.Config, lr *season.LiveResult) {
	ex := c.Exchange
	card.Latency = fmt.Sprintf("orders reach the book when the agent places them + %s taker / %s maker",
		time.Duration(ex.TakerLatency), time.Duration(ex.MakerLatency))
	card.Funding = "settled at each whole hour on open positions at the feed's latest funding rate and mark; a live venue seat books the venue's own funding"
	card.Isolation = "the live arena: every account trades one exchange, so liquidity one account takes from a level is unavailable to the others until the venue updates it"
	if !lr.Complete {
		card.Data.Source += " (incomplete: the journal stops before the period's end)"
	}
	for i, s := range lr.Segments {
		if s.Joins == "gap" {
			card.Data.Source += fmt.Sprintf(" (gap before segment %d: the worker stopped and its ledgers changed unseen)", i+1)
		}
	}
}

// liveDecisions converts a live bundle's decisions.jsonl (absent: none) to
// the rows the Seasons page reads, as Decision does a season's turns.
func liveDecisions(raw []byte) ([]arena.SeasonDecision, error) {
	var out []arena.SeasonDecision
	dec := json.NewDecoder(bytes.NewReader(raw))
	for dec.More() {
		var d season.LiveDecision
		if err := dec.Decode(&d); err != nil {
			return nil, fmt.Errorf("bundle: bad %s: %w", season.LiveDecisionsFile, err)
		}
		h := sha256.New()
		acts := make([]Action, 0, len(d.ToolCalls))
		for _, tc := range d.ToolCalls {
			fmt.Fprintf(h, "%s\x00%s\x00", tc.Type, tc.Metadata)
			meta, _ := arena.Excerpt(tc.Metadata, maxArgs)
			acts = append(acts, Action{Name: tc.Type, Arguments: meta, Failed: tc.Failed})
		}
		sd := arena.SeasonDecision{EntrantID: d.Entrant, Slot: d.At, InputTokens: d.InputTokens, OutputTokens: d.OutputTokens,
			CostUSD: d.CostUSD, LatencyMS: d.LatencyMS, Failure: d.Failure}
		if d.Failure != "" {
			fmt.Fprintf(h, "failure\x00%s", d.Failure)
		}
		sd.Response, _ = arena.Excerpt(d.Response, maxResponse)
		sd.Actions, _ = json.Marshal(acts)
		sd.Digest = hex.EncodeToString(h.Sum(nil))
		out = append(out, sd)
	}
	return out, nil
}
