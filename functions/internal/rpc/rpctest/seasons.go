package rpctest

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/postgres"
)

// Seasons of the fixture: a replayed season of two entrants over three
// hours and its A/B child, which swapped the LLM seat's model (imported
// with checksums only).
const (
	Season       = "s-2025-01"
	SeasonAB     = "s-2025-01-ab"
	SeasonLLM    = "trader/Apex"
	SeasonBase   = "momentum/Guardian"
	seasonSwap   = SeasonLLM + "=model:test/holder"
	seasonHashA  = "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"
	seasonHashB  = "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2"
	seasonPoints = 37 // every 5 minutes over 3 hours
)

// SeasonStart is when the fixture's seasons start.
var SeasonStart = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// SeedSeasons imports the fixture's two seasons through the importer's
// SQL (postgres.ImportSeason), as `worker season import` would.
func SeedSeasons(ctx context.Context, pool *pgxpool.Pool) error {
	for _, im := range []postgres.SeasonImport{seasonImport(false), seasonImport(true)} {
		if _, err := postgres.ImportSeason(ctx, pool, im); err != nil {
			return err
		}
	}
	_, err := pool.Exec(ctx, `UPDATE "Seasons" SET "importedAt" = $1`, Now)
	return err
}

func seasonImport(ab bool) postgres.SeasonImport {
	end := SeasonStart.Add(3 * time.Hour)
	id, hash := Season, seasonHashA
	s := arena.SeasonRecord{Name: "January baselines and trader", Start: SeasonStart, End: end, Entrants: 2,
		BundleBytes: 48213, Verified: true, VerifiedAt: Now.Add(-time.Hour), Source: arena.SeasonFromBundle}
	if ab {
		id, hash = SeasonAB, seasonHashB
		s.Name, s.ParentID, s.ParentResultHash, s.Swap = "", Season, seasonHashA, seasonSwap
		s.Verified, s.VerifiedAt, s.BundleBytes = false, time.Time{}, 47990
	}
	s.ID, s.ResultHash, s.BundleSHA256 = id, hash, fmt.Sprintf("%064x", len(id))
	s.Manifest = mustJSON(map[string]any{"format": 1, "id": id, "start": SeasonStart, "end": end, "entrants": 2, "resultHash": hash,
		"code":  map[string]any{"module": "github.com/autonome-go/autonome", "goVersion": "go1.26", "revision": "0123abcd"},
		"files": []map[string]any{{"name": "market.tape", "size": 40000, "sha256": fmt.Sprintf("%064x", 7)}}})
	s.Config, s.Leaderboard = json.RawMessage(`{}`), json.RawMessage(`[]`)
	s.Methodology = mustJSON(map[string]any{
		"data":  map[string]any{"source": "synthetic", "syntheticSeed": 7, "first": SeasonStart, "last": end, "messages": 5400, "markets": []string{"BTC", "ETH", "SOL"}},
		"start": SeasonStart, "end": end, "decisionInterval": "1h0m0s", "startingCapital": 10000,
		"fees":        []map[string]any{{"symbol": "BTC", "makerBps": 0.4, "takerBps": 2.8, "liquidationFeeBps": 50, "maxLeverage": 50, "maintenanceMarginPct": 1.2}},
		"slippage":    "none beyond the book walked",
		"latency":     "orders reach the book at the decision slot + the model's measured latency (recorded per call) + 300ms taker / 200ms maker",
		"funding":     "settled at each whole hour on open positions at the tape's latest funding rate and mark",
		"liquidation": "when equity falls below the maintenance margin (per market below), at the mark, with the liquidation fee",
		"limits":      []map[string]any{{"entrants": []string{SeasonLLM, SeasonBase}, "maxLeverage": 10, "maxRiskPerTradePct": 2, "maxGrossExposurePct": 300, "minFreeCash": 500}},
		"models":      []map[string]any{{"entrant": SeasonLLM, "kind": "llm", "provider": "openai", "model": "test/trader", "exposure": "unknown", "flagged": false}, {"entrant": SeasonBase, "kind": "baseline", "provider": "baseline", "model": "baseline/momentum", "exposure": "not_applicable", "flagged": false}},
		"flagged":     0,
		"prompts":     fmt.Sprintf("%064x", 3),
		"code":        map[string]any{"module": "github.com/autonome-go/autonome", "goVersion": "go1.26", "revision": "0123abcd"},
	})
	im := postgres.SeasonImport{Season: s}
	llmEnd := arena.MustFixed("10182.5")
	if ab {
		llmEnd = arena.MustFixed("9990")
	}
	im.Entrants = []arena.SeasonEntrant{
		{EntrantID: SeasonLLM, Position: 0, Name: "trader", Variant: arena.Apex, Kind: arena.KindLLM, Model: "test/trader", Provider: "openai",
			Capital: arena.FixedInt(10_000), Equity: llmEnd, Fills: 6, Decisions: 4, Failed: 1},
		{EntrantID: SeasonBase, Position: 1, Name: "momentum", Variant: arena.Guardian, Kind: arena.KindBaseline, Model: "baseline/momentum",
			Provider: arena.ProviderBaseline, Capital: arena.FixedInt(10_000), Equity: arena.MustFixed("10040.25"), Fills: 3, Decisions: 4},
	}
	for i := range im.Entrants {
		e := &im.Entrants[i]
		e.ReturnPct = (e.Equity - e.Capital).MulInt(100).Div(e.Capital)
		e.Fees = arena.MustFixed("1.25").MulInt(int64(e.Fills))
	}
	im.Entrants[0].Rank, im.Entrants[1].Rank = 1, 2
	if ab {
		im.Entrants[0].Rank, im.Entrants[1].Rank = 2, 1
	}
	for i := range seasonPoints {
		at := SeasonStart.Add(time.Duration(i) * 5 * time.Minute)
		wiggle := arena.FixedInt(int64((i*7)%5 - 2))
		llm := arena.FixedInt(10_000) + (llmEnd - arena.FixedInt(10_000)).MulInt(int64(i)).Div(arena.FixedInt(seasonPoints-1)) + wiggle
		base := arena.FixedInt(10_000) + arena.MustFixed("40.25").MulInt(int64(i)).Div(arena.FixedInt(seasonPoints-1)) - wiggle
		if i == seasonPoints-1 {
			llm, base = llmEnd, arena.MustFixed("10040.25")
		}
		im.Equity = append(im.Equity, arena.SeasonEquity{EntrantID: SeasonLLM, At: at, Equity: llm},
			arena.SeasonEquity{EntrantID: SeasonBase, At: at, Equity: base})
	}
	// Closed trades: the trader three (two wins, one loss), momentum two.
	trade := func(entrant, id string, side arena.Side, qty, entry, exit string, opened, held time.Duration) arena.Position {
		p := arena.Position{ID: id, AccountID: entrant, Symbol: "BTC", Side: side, Status: arena.PositionClosed,
			ClosedQuantity: arena.MustFixed(qty), EntryPrice: arena.MustFixed(entry), ExitPrice: arena.MustFixed(exit),
			Leverage: arena.FixedInt(5), CloseTrigger: arena.TriggerTarget, OpenedAt: SeasonStart.Add(opened),
			ClosedAt: SeasonStart.Add(opened + held), Fees: arena.MustFixed("1.25"), ExitPlan: arena.ExitPlan{Confidence: 0.7}}
		move := p.ExitPrice - p.EntryPrice
		if side == arena.Short {
			move = -move
		}
		p.RealizedPnL = move.Mul(p.ClosedQuantity)
		return p
	}
	im.Trades = []arena.Position{
		trade(SeasonLLM, "t1", arena.Long, "0.1", "94000", "95000", 0, 40*time.Minute),
		trade(SeasonLLM, "t2", arena.Short, "0.05", "95200", "95600", time.Hour, 25*time.Minute),
		trade(SeasonLLM, "t3", arena.Long, "0.1", "95000", "95900", 2*time.Hour, 50*time.Minute),
		trade(SeasonBase, "m1", arena.Long, "0.02", "94100", "96000", 10*time.Minute, 2*time.Hour),
		trade(SeasonBase, "m2", arena.Long, "0.01", "96000", "95950", 2*time.Hour+20*time.Minute, 30*time.Minute),
	}
	for h := range 4 {
		slot := SeasonStart.Add(time.Duration(h) * time.Hour)
		act, digest, resp := `[{"name":"createPosition","arguments":"{\"decisions\":[{\"symbol\":\"BTC\",\"side\":\"LONG\",\"quantity\":0.01}]}"}]`, "open", "BTC looks strong."
		if h%2 == 1 {
			act, digest, resp = `[{"name":"holding","arguments":"{\"reason\":\"wait\"}"}]`, "hold", "Holding."
		}
		if ab && h >= 2 {
			act, digest, resp = `[{"name":"holding","arguments":"{\"reason\":\"done\"}"}]`, "hold-b", "Nothing to do."
		}
		d := arena.SeasonDecision{EntrantID: SeasonLLM, Slot: slot, Actions: json.RawMessage(act), Digest: digest, Response: resp,
			InputTokens: 1000, OutputTokens: 80, CostUSD: arena.MustFixed("0.0021"), LatencyMS: 1500}
		if h == 3 && !ab {
			d.Failure = "timeout: the model did not answer in time"
		}
		im.Decisions = append(im.Decisions, d, arena.SeasonDecision{EntrantID: SeasonBase, Slot: slot,
			Actions: json.RawMessage(`[{"name":"holding","arguments":"{}"}]`), Digest: "base", Response: "momentum flat"})
	}
	return im
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
