package seasonimport

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/postgres"
	"github.com/autonome-go/autonome/worker/internal/season"
)

// Options say how a bundle is checked before it is stored.
type Options struct {
	// ChecksumsOnly skips the replay: the bundle's files must match the
	// manifest, and its recorded result is stored, marked "checksums".
	ChecksumsOnly bool
	// Source is arena.SeasonFromBundle (default) or arena.SeasonLive
	// (the live worker's own season: stored without a replay).
	Source   string
	Name     string // display name (default: the season id)
	Parallel int    // entrants replayed at once
	Now      func() time.Time
}

// ErrNotVerified is an import whose replay did not reproduce the manifest's
// result hash: the season is stored, marked failed, with what differs.
var ErrNotVerified = errors.New("stored, but the replay does not reproduce the manifest's result hash")

// ImportFile reads the bundle at path (checking every checksum) and imports it.
func ImportFile(ctx context.Context, pool *pgxpool.Pool, path string, o Options) (Outcome, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return Outcome{}, fmt.Errorf("season import: %w", err)
	}
	return Import(ctx, pool, raw, o)
}

// Outcome is what an import did.
type Outcome struct {
	Season  arena.SeasonRecord
	Changed bool // false: already stored, unchanged
}

// Import checks the bundle raw as o says and stores it with its results. A
// bundle whose checksums fail is refused. A replay that does not reproduce
// the result hash stores the season marked failed and returns
// ErrNotVerified wrapping the difference.
func Import(ctx context.Context, pool *pgxpool.Pool, raw []byte, o Options) (Outcome, error) {
	b, err := season.Read(bytes.NewReader(raw))
	if err != nil {
		return Outcome{}, err
	}
	im, verr, err := Build(ctx, b, o)
	if err != nil {
		return Outcome{}, err
	}
	sum := sha256.Sum256(raw)
	im.Season.BundleSHA256, im.Season.BundleBytes = hex.EncodeToString(sum[:]), int64(len(raw))
	changed, err := postgres.ImportSeason(ctx, pool, im)
	out := Outcome{Season: im.Season, Changed: changed}
	if err == nil && verr != nil {
		err = fmt.Errorf("%w: %w", ErrNotVerified, verr)
	}
	return out, err
}

// Build verifies a read bundle (a replay unless o says otherwise) and
// converts it to the rows stored for it; verr is the replay's difference
// when it did not reproduce the result (the rows then hold the recorded
// result, marked failed).
func Build(ctx context.Context, b *season.Bundle, o Options) (im postgres.SeasonImport, verr error, err error) {
	now := time.Now
	if o.Now != nil {
		now = o.Now
	}
	if b.Manifest.Kind == season.LiveKind {
		return buildLive(b, o, now)
	}
	s, _, err := season.FromBundle(b)
	if err != nil {
		return im, nil, err
	}
	rec, err := recorded(b)
	if err != nil {
		return im, nil, err
	}
	res, verified := rec, false
	if !o.ChecksumsOnly && o.Source != arena.SeasonLive {
		replayed, err := season.Verify(ctx, b, o.Parallel)
		switch {
		case err == nil:
			res, verified = replayed, true
		case ctx.Err() != nil:
			return im, nil, ctx.Err()
		default:
			verr = err
		}
	}
	im, err = rows(b, s.Config, res)
	if err != nil {
		return im, nil, err
	}
	row := &im.Season
	row.Name, row.Source, row.Verified = cmp.Or(o.Name, s.Config.ID), cmp.Or(o.Source, arena.SeasonFromBundle), verified
	if verified || verr != nil {
		row.VerifiedAt = now().UTC()
	}
	if verr != nil {
		row.VerifyError, _ = arena.Excerpt(verr.Error(), 4096)
	}
	return im, verr, nil
}

// recorded reads a bundle's recorded result and decisions.
func recorded(b *season.Bundle) (*season.Result, error) {
	var res season.Result
	if err := json.Unmarshal(b.Files[season.ResultFile], &res); err != nil {
		return nil, fmt.Errorf("bundle: bad %s: %w", season.ResultFile, err)
	}
	dec := json.NewDecoder(bytes.NewReader(b.Files[season.InvocationsFile]))
	for dec.More() {
		var inv season.Invocation
		if err := dec.Decode(&inv); err != nil {
			return nil, fmt.Errorf("bundle: bad %s: %w", season.InvocationsFile, err)
		}
		res.Invocations = append(res.Invocations, inv)
	}
	res.Hash = b.Manifest.ResultHash
	return &res, nil
}

func rows(b *season.Bundle, c season.Config, res *season.Result) (postgres.SeasonImport, error) {
	m := b.Manifest
	man, err := json.Marshal(m)
	if err != nil {
		return postgres.SeasonImport{}, err
	}
	card, err := json.Marshal(Methodology(c))
	if err != nil {
		return postgres.SeasonImport{}, err
	}
	board, err := json.Marshal(res.Leaderboard)
	if err != nil {
		return postgres.SeasonImport{}, err
	}
	im := postgres.SeasonImport{Season: arena.SeasonRecord{ID: m.ID, Start: m.Start, End: m.End, Entrants: m.Entrants,
		ResultHash: m.ResultHash, Manifest: man, Config: json.RawMessage(b.Files[season.ConfigFile]), Leaderboard: board, Methodology: card}}
	if p := m.Parent; p != nil {
		im.Season.ParentID, im.Season.ParentResultHash, im.Season.Swap = p.ID, p.ResultHash, p.Swap
	}
	im.Entrants = entrants(c, res.Leaderboard)
	for _, sr := range res.Equity {
		for _, p := range sr.Points {
			im.Equity = append(im.Equity, arena.SeasonEquity{EntrantID: sr.Entrant, At: p.At, Equity: p.Equity})
		}
	}
	for i := range res.Invocations {
		im.Decisions = append(im.Decisions, Decision(&res.Invocations[i]))
	}
	for _, et := range res.Trades {
		for _, p := range et.Trades {
			p.AccountID = et.Entrant
			im.Trades = append(im.Trades, p)
		}
	}
	return im, nil
}

func entrants(c season.Config, rows []season.Row) []arena.SeasonEntrant {
	pos := map[string]int{}
	provider := map[string]arena.Provider{}
	for i, e := range c.Entrants {
		pos[e.ID], provider[e.ID] = i, e.Entry.Provider
	}
	out := make([]arena.SeasonEntrant, len(rows))
	for i, r := range rows {
		out[i] = arena.SeasonEntrant{EntrantID: r.Entrant, Position: pos[r.Entrant], Rank: r.Rank, Name: r.Name, Variant: r.Variant,
			Kind: r.Kind, Model: r.Model, Provider: provider[r.Entrant], Capital: c.Exchange.StartingCapital, Equity: r.Equity,
			ReturnPct: r.ReturnPct, RealizedPnL: r.RealizedPnL, Fees: r.Fees, Funding: r.Funding, Fills: r.Fills,
			Decisions: r.Decisions, Failed: r.Failed, Skipped: r.Skipped}
	}
	return out
}

// Action is one tool call of a decision as stored: bounded excerpts.
type Action struct {
	Name      string `json:"name"`
	Arguments string `json:"arguments"`
	Output    string `json:"output,omitempty"`
	Failed    bool   `json:"failed,omitempty"`
}

const (
	maxArgs     = 2 << 10
	maxOutput   = 1 << 10
	maxResponse = 4 << 10
)

// Decision summarises one recorded turn. Its digest covers every tool call's
// name and full arguments, in order, and the failure: two turns with the
// same digest decided the same thing.
func Decision(inv *season.Invocation) arena.SeasonDecision {
	t := &inv.Turn
	h := sha256.New()
	acts := make([]Action, 0, len(t.ToolCalls))
	for _, tc := range t.ToolCalls {
		fmt.Fprintf(h, "%s\x00%s\x00", tc.Name, tc.Arguments)
		args, _ := arena.Excerpt(string(tc.Arguments), maxArgs)
		out, _ := arena.Excerpt(tc.Output, maxOutput)
		acts = append(acts, Action{Name: tc.Name, Arguments: args, Output: out, Failed: tc.Failed()})
	}
	d := arena.SeasonDecision{EntrantID: inv.Entrant, Slot: inv.Slot, InputTokens: int64(t.Usage.InputTokens),
		OutputTokens: int64(t.Usage.OutputTokens), CostUSD: t.CostUSD, LatencyMS: t.LatencyMS}
	if t.Failure != nil {
		d.Failure = string(t.Failure.Reason) + ": " + t.Failure.Message
		fmt.Fprintf(h, "failure\x00%s", t.Failure.Reason)
	}
	d.Response, _ = arena.Excerpt(t.Response, maxResponse)
	d.Actions, _ = json.Marshal(acts) // plain strings: cannot fail
	d.Digest = hex.EncodeToString(h.Sum(nil))
	return d
}
