package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/autonome-go/autonome/shared/arena"
)

const seasonColumns = `"id", coalesce("parentId", ''), coalesce("parentResultHash", ''), "swap", "start", "end", "entrants",
	"resultHash", "bundleSha256", "bundleBytes", "manifest", "config", "leaderboard", "verified", "verifyError", "verifiedAt", "importedAt",
	"name", "methodology", "source"`

func scanSeason(row pgx.Row) (arena.SeasonRecord, error) {
	var s arena.SeasonRecord
	var verifiedAt *time.Time
	err := row.Scan(&s.ID, &s.ParentID, &s.ParentResultHash, &s.Swap, &s.Start, &s.End, &s.Entrants, &s.ResultHash,
		&s.BundleSHA256, &s.BundleBytes, &s.Manifest, &s.Config, &s.Leaderboard, &s.Verified, &s.VerifyError, &verifiedAt, &s.ImportedAt,
		&s.Name, &s.Methodology, &s.Source)
	if verifiedAt != nil {
		s.VerifiedAt = *verifiedAt
	}
	return s, err
}

// Seasons lists the imported seasons, newest start first.
func Seasons(ctx context.Context, pool *pgxpool.Pool) ([]arena.SeasonRecord, error) {
	rows, err := pool.Query(ctx, `SELECT `+seasonColumns+` FROM "Seasons" ORDER BY "start" DESC, "id"`)
	if err != nil {
		return nil, readErr(err, "query seasons")
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (arena.SeasonRecord, error) { return scanSeason(r) })
	if err != nil {
		return nil, readErr(err, "read seasons")
	}
	return out, nil
}

// Season returns one imported season; arena.CodeNotFound when there is none.
func Season(ctx context.Context, pool *pgxpool.Pool, id string) (arena.SeasonRecord, error) {
	s, err := scanSeason(pool.QueryRow(ctx, `SELECT `+seasonColumns+` FROM "Seasons" WHERE "id" = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return s, arena.Errorf(arena.CodeNotFound, "no season %q", id)
	}
	if err != nil {
		return s, readErr(err, "query season %s", id)
	}
	return s, nil
}

// SeasonImport is everything stored for one season.
type SeasonImport struct {
	Season    arena.SeasonRecord
	Entrants  []arena.SeasonEntrant
	Equity    []arena.SeasonEquity
	Decisions []arena.SeasonDecision
	Trades    []arena.Position // closed trades; AccountID is the entrant's id
}

// ErrSeasonConflict is an import of a season id already stored with
// another result hash.
var ErrSeasonConflict = errors.New("season already imported with another result")

// ImportSeason stores a season and its results in one transaction.
// Importing the same bundle again (same result hash and bundle checksum,
// verified no more strongly) changes nothing and reports false. The same id
// with another result hash is ErrSeasonConflict when the stored season was
// replayed to its hash; otherwise (checksums only, failed, or the live
// worker's season rewritten as its period grows) it is replaced.
func ImportSeason(ctx context.Context, pool *pgxpool.Pool, im SeasonImport) (bool, error) {
	changed := false
	err := Tx(ctx, pool, func(tx pgx.Tx) error {
		old, err := scanSeason(tx.QueryRow(ctx, `SELECT `+seasonColumns+` FROM "Seasons" WHERE "id" = $1 FOR UPDATE`, im.Season.ID))
		hash, sum := old.ResultHash, old.BundleSHA256
		switch {
		case errors.Is(err, pgx.ErrNoRows):
		case err != nil:
			return err
		case hash == im.Season.ResultHash && sum == im.Season.BundleSHA256 && verifyRank(old.Status()) >= verifyRank(im.Season.Status()):
			return nil
		case hash != im.Season.ResultHash && old.Verified:
			return fmt.Errorf("%w: %s has %s, the bundle %s", ErrSeasonConflict, im.Season.ID, hash, im.Season.ResultHash)
		default:
			if _, err := tx.Exec(ctx, `DELETE FROM "Seasons" WHERE "id" = $1`, im.Season.ID); err != nil {
				return err
			}
		}
		changed = true
		return insertSeason(ctx, tx, im)
	})
	if err != nil {
		return false, readErr(err, "import season %s", im.Season.ID)
	}
	return changed, nil
}

// verifyRank orders verification states: a replayed season is never
// replaced by a weaker import of the same bundle.
func verifyRank(s string) int {
	switch s {
	case arena.SeasonReplayed:
		return 3
	case arena.SeasonFailed:
		return 2
	case arena.SeasonChecksums:
		return 1
	}
	return 0
}

func insertSeason(ctx context.Context, tx pgx.Tx, im SeasonImport) error {
	s := im.Season
	var verifiedAt *time.Time
	if !s.VerifiedAt.IsZero() {
		verifiedAt = &s.VerifiedAt
	}
	if s.Source == "" {
		s.Source = arena.SeasonFromBundle
	}
	if len(s.Methodology) == 0 {
		s.Methodology = json.RawMessage(`{}`)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO "Seasons" ("id", "parentId", "parentResultHash", "swap", "start", "end", "entrants",
		"resultHash", "bundleSha256", "bundleBytes", "manifest", "config", "leaderboard", "verified", "verifyError", "verifiedAt",
		"name", "methodology", "source")
		VALUES ($1, NULLIF($2, ''), NULLIF($3, ''), $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
		s.ID, s.ParentID, s.ParentResultHash, s.Swap, s.Start, s.End, s.Entrants, s.ResultHash, s.BundleSHA256, s.BundleBytes,
		s.Manifest, s.Config, s.Leaderboard, s.Verified, arena.CleanText(s.VerifyError), verifiedAt, s.Name, s.Methodology, s.Source); err != nil {
		return readErr(err, "insert season")
	}
	if err := insertSeasonEntrants(ctx, tx, s.ID, im.Entrants); err != nil {
		return err
	}
	if err := insertSeasonEquity(ctx, tx, s.ID, im.Equity); err != nil {
		return err
	}
	if err := insertSeasonDecisions(ctx, tx, s.ID, im.Decisions); err != nil {
		return err
	}
	return insertSeasonTrades(ctx, tx, s.ID, im.Trades)
}

func insertSeasonTrades(ctx context.Context, tx pgx.Tx, id string, ts []arena.Position) error {
	n := len(ts)
	var text [5][]string
	var money [7][]string
	conf := make([]*float64, n)
	opened, closed := make([]time.Time, n), make([]time.Time, n)
	for i, p := range ts {
		for k, v := range []string{p.AccountID, p.ID, string(p.Symbol), string(p.Side), string(p.CloseTrigger)} {
			text[k] = append(text[k], v)
		}
		for k, v := range []arena.Fixed{p.ClosedQuantity, p.EntryPrice, p.ExitPrice, p.Leverage, p.RealizedPnL, p.Fees, p.Funding} {
			money[k] = append(money[k], v.String())
		}
		if c := p.ExitPlan.Confidence; c > 0 {
			conf[i] = &c
		}
		opened[i], closed[i] = p.OpenedAt, p.ClosedAt
	}
	_, err := tx.Exec(ctx, `INSERT INTO "SeasonTrades" ("seasonId", "entrantId", "positionId", "symbol", "side", "closeTrigger",
		"quantity", "entryPrice", "exitPrice", "leverage", "realizedPnl", "fees", "funding", "confidence", "openedAt", "closedAt")
		SELECT $1, r.* FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::numeric[], $8::numeric[],
		$9::numeric[], $10::numeric[], $11::numeric[], $12::numeric[], $13::numeric[], $14::float8[], $15::timestamptz[],
		$16::timestamptz[]) AS r`, id, text[0], text[1], text[2], text[3], text[4], money[0], money[1], money[2], money[3],
		money[4], money[5], money[6], conf, opened, closed)
	if err != nil {
		return readErr(err, "insert season trades")
	}
	return nil
}

func insertSeasonEntrants(ctx context.Context, tx pgx.Tx, id string, es []arena.SeasonEntrant) error {
	var text [6][]string
	var ints [6][]int
	var money [6][]string
	for _, e := range es {
		for i, v := range []string{e.EntrantID, e.Name, string(e.Variant), string(e.Kind), e.Model, string(e.Provider)} {
			text[i] = append(text[i], v)
		}
		for i, v := range []int{e.Position, e.Rank, e.Fills, e.Decisions, e.Failed, e.Skipped} {
			ints[i] = append(ints[i], v)
		}
		for i, v := range []arena.Fixed{e.Capital, e.Equity, e.ReturnPct, e.RealizedPnL, e.Fees, e.Funding} {
			money[i] = append(money[i], v.String())
		}
	}
	_, err := tx.Exec(ctx, `INSERT INTO "SeasonEntrants" ("seasonId", "entrantId", "name", "variant", "kind", "model", "provider",
		"position", "rank", "fills", "decisions", "failed", "skipped", "capital", "equity", "returnPct", "realizedPnl", "fees", "funding")
		SELECT $1, r.* FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::int[], $10::int[],
		$11::int[], $12::int[], $13::int[], $14::numeric[], $15::numeric[], $16::numeric[], $17::numeric[], $18::numeric[], $19::numeric[]) AS r`,
		id, text[0], text[1], text[2], text[3], text[4], text[5], ints[0], ints[1], ints[2], ints[3], ints[4], ints[5],
		money[0], money[1], money[2], money[3], money[4], money[5])
	if err != nil {
		return readErr(err, "insert season entrants")
	}
	return nil
}

func insertSeasonEquity(ctx context.Context, tx pgx.Tx, id string, ps []arena.SeasonEquity) error {
	ids, ats, vals := make([]string, len(ps)), make([]time.Time, len(ps)), make([]string, len(ps))
	for i, p := range ps {
		ids[i], ats[i], vals[i] = p.EntrantID, p.At, p.Equity.String()
	}
	_, err := tx.Exec(ctx, `INSERT INTO "SeasonEquity" ("seasonId", "entrantId", "at", "equity")
		SELECT $1, r.* FROM unnest($2::text[], $3::timestamptz[], $4::numeric[]) AS r`, id, ids, ats, vals)
	if err != nil {
		return readErr(err, "insert season equity")
	}
	return nil
}

func insertSeasonDecisions(ctx context.Context, tx pgx.Tx, id string, ds []arena.SeasonDecision) error {
	n := len(ds)
	ids, slots, acts, digests, resps, fails := make([]string, n), make([]time.Time, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	in, out, lat, cost := make([]int64, n), make([]int64, n), make([]int64, n), make([]string, n)
	for i, d := range ds {
		ids[i], slots[i], acts[i], digests[i], resps[i], fails[i] = d.EntrantID, d.Slot, string(d.Actions), d.Digest, arena.CleanText(d.Response), arena.CleanText(d.Failure)
		in[i], out[i], lat[i], cost[i] = d.InputTokens, d.OutputTokens, d.LatencyMS, d.CostUSD.String()
	}
	_, err := tx.Exec(ctx, `INSERT INTO "SeasonDecisions" ("seasonId", "entrantId", "slot", "actions", "digest", "response", "failure",
		"inputTokens", "outputTokens", "latencyMs", "costUsd")
		SELECT $1, r.* FROM unnest($2::text[], $3::timestamptz[], $4::jsonb[], $5::text[], $6::text[], $7::text[], $8::int8[], $9::int8[],
		$10::int8[], $11::numeric[]) AS r`, id, ids, slots, acts, digests, resps, fails, in, out, lat, cost)
	if err != nil {
		return readErr(err, "insert season decisions")
	}
	return nil
}

// Seasons lists the imported seasons, newest start first.
func (r *Reader) Seasons(ctx context.Context) ([]arena.SeasonRecord, error) {
	return Seasons(ctx, r.pool)
}

// Season returns one imported season; arena.CodeNotFound when there is none.
func (r *Reader) Season(ctx context.Context, id string) (arena.SeasonRecord, error) {
	return Season(ctx, r.pool, id)
}

// SeasonEntrants reads a season's leaderboard in rank order.
func (r *Reader) SeasonEntrants(ctx context.Context, id string) ([]arena.SeasonEntrant, error) {
	rows, err := r.pool.Query(ctx, `SELECT "entrantId", "position", "rank", "name", "variant", "kind", "model", "provider",
		"capital", "equity", "returnPct", "realizedPnl", "fees", "funding",
		"fills", "decisions", "failed", "skipped" FROM "SeasonEntrants" WHERE "seasonId" = $1 ORDER BY "rank", "entrantId"`, numericText, id)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (arena.SeasonEntrant, error) {
		var e arena.SeasonEntrant
		err := row.Scan(&e.EntrantID, &e.Position, &e.Rank, &e.Name, &e.Variant, &e.Kind, &e.Model, &e.Provider,
			&e.Capital, &e.Equity, &e.ReturnPct, &e.RealizedPnL, &e.Fees, &e.Funding, &e.Fills, &e.Decisions, &e.Failed, &e.Skipped)
		return e, err
	})
}

// SeasonEquity reads the equity series of a season's entrants (all when
// ids is empty), by entrant then time.
func (r *Reader) SeasonEquity(ctx context.Context, id string, ids []string) ([]arena.SeasonEquity, error) {
	rows, err := r.pool.Query(ctx, `SELECT "entrantId", "at", "equity" FROM "SeasonEquity"
		WHERE "seasonId" = $1 AND (coalesce(cardinality($2::text[]), 0) = 0 OR "entrantId" = ANY($2)) ORDER BY "entrantId", "at"`, numericText, id, ids)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (arena.SeasonEquity, error) {
		var p arena.SeasonEquity
		err := row.Scan(&p.EntrantID, &p.At, &p.Equity)
		return p, err
	})
}

// SeasonTrades reads a season's closed trades (of the entrants in ids;
// all when empty), by entrant and close time. Each is an arena.Position
// with AccountID the entrant's id, Status CLOSED and its lifetime totals.
func (r *Reader) SeasonTrades(ctx context.Context, id string, ids []string) ([]arena.Position, error) {
	rows, err := r.pool.Query(ctx, `SELECT "entrantId", "positionId", "symbol", "side", "closeTrigger", "quantity", "entryPrice",
		"exitPrice", "leverage", "realizedPnl", "fees", "funding", coalesce("confidence", 0), "openedAt", "closedAt"
		FROM "SeasonTrades" WHERE "seasonId" = $1 AND (coalesce(cardinality($2::text[]), 0) = 0 OR "entrantId" = ANY($2))
		ORDER BY "entrantId", "closedAt", "positionId"`, numericText, id, ids)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (arena.Position, error) {
		p := arena.Position{Status: arena.PositionClosed}
		err := row.Scan(&p.AccountID, &p.ID, &p.Symbol, &p.Side, &p.CloseTrigger, &p.ClosedQuantity, &p.EntryPrice, &p.ExitPrice,
			&p.Leverage, &p.RealizedPnL, &p.Fees, &p.Funding, &p.ExitPlan.Confidence, &p.OpenedAt, &p.ClosedAt)
		return p, err
	})
}

// SeasonDecisions reads an entrant's decisions in a season (every
// entrant's when entrant is ""), in slot order, at most limit.
func (r *Reader) SeasonDecisions(ctx context.Context, id, entrant string, limit int) ([]arena.SeasonDecision, error) {
	rows, err := r.pool.Query(ctx, `SELECT `+seasonDecisionColumns+` FROM "SeasonDecisions" WHERE "seasonId" = $1 AND ($2 = '' OR "entrantId" = $2)
		ORDER BY "slot", "entrantId" LIMIT $3`, numericText, id, entrant, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanSeasonDecision)
}

// SeasonFailures reads a season's failed decisions (failed as a whole, or
// with a failed tool call) of the entrants in ids (all when empty), the
// latest first, at most limit.
func (r *Reader) SeasonFailures(ctx context.Context, id string, ids []string, limit int) ([]arena.SeasonDecision, error) {
	rows, err := r.pool.Query(ctx, `SELECT `+seasonDecisionColumns+` FROM "SeasonDecisions"
		WHERE "seasonId" = $1 AND (coalesce(cardinality($2::text[]), 0) = 0 OR "entrantId" = ANY($2))
		  AND ("failure" <> '' OR EXISTS (SELECT 1 FROM jsonb_array_elements("actions") x WHERE (x->>'failed')::boolean))
		ORDER BY "slot" DESC, "entrantId" LIMIT $3`, numericText, id, ids, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanSeasonDecision)
}

const seasonDecisionColumns = `"entrantId", "slot", "actions"::text, "digest", "response", "failure", "inputTokens",
	"outputTokens", "costUsd", "latencyMs"`

func scanSeasonDecision(row pgx.CollectableRow) (arena.SeasonDecision, error) {
	var s arena.SeasonDecision
	var acts string
	err := row.Scan(&s.EntrantID, &s.Slot, &acts, &s.Digest, &s.Response, &s.Failure, &s.InputTokens, &s.OutputTokens, &s.CostUSD, &s.LatencyMS)
	s.Actions = json.RawMessage(acts)
	return s, err
}

// SeasonActivity returns each entrant's activity over a season: its
// decisions (as "ModelActivityTotals" counts an account's invocations: a
// failed decision, one with a failed tool call, tokens, latency, LLM cost)
// and its closed trades ("SeasonTrades": wins and losses by net PnL, longs,
// net and gross PnL, fees, funding). Entrants with neither are absent.
func (r *Reader) SeasonActivity(ctx context.Context, id string) (map[string]arena.Activity, error) {
	rows, err := r.pool.Query(ctx, `
		WITH d AS (
			SELECT "entrantId", count(*)::int AS inv, count(*) FILTER (WHERE "failure" <> '')::int AS failed,
			       count(*) FILTER (WHERE tf.failed)::int AS tool_failed,
			       count(*) FILTER (WHERE "failure" <> '' OR tf.failed)::int AS failed_any,
			       sum("inputTokens")::int8 AS input_tokens, sum("outputTokens")::int8 AS output_tokens,
			       sum("latencyMs")::int8 AS latency, sum("costUsd") AS cost
			FROM "SeasonDecisions"
			CROSS JOIN LATERAL (SELECT EXISTS (SELECT 1 FROM jsonb_array_elements("actions") x
			                                   WHERE (x->>'failed')::boolean) AS failed) tf
			WHERE "seasonId" = $1 GROUP BY 1
		), t AS (
			SELECT "entrantId", count(*)::int AS trades, count(*) FILTER (WHERE net > 0)::int AS wins,
			       count(*) FILTER (WHERE net < 0)::int AS losses, count(*) FILTER (WHERE "side" = 'LONG')::int AS longs,
			       sum(net) AS net, sum("realizedPnl") AS gross, coalesce(sum(net) FILTER (WHERE net > 0), 0) AS win,
			       coalesce(sum(net) FILTER (WHERE net < 0), 0) AS loss, sum("fees") AS fees, sum("funding") AS funding
			FROM (SELECT *, "realizedPnl" - "fees" + "funding" AS net FROM "SeasonTrades" WHERE "seasonId" = $1) x
			GROUP BY 1
		)
		SELECT coalesce(d."entrantId", t."entrantId"), coalesce(t.trades, 0), coalesce(t.wins, 0), coalesce(t.losses, 0),
		       coalesce(t.longs, 0), coalesce(t.net, 0), coalesce(t.gross, 0), coalesce(t.win, 0), coalesce(t.loss, 0),
		       coalesce(t.fees, 0), coalesce(t.funding, 0), coalesce(d.inv, 0), coalesce(d.failed, 0), coalesce(d.tool_failed, 0),
		       coalesce(d.failed_any, 0), coalesce(d.input_tokens, 0), coalesce(d.output_tokens, 0), coalesce(d.latency, 0),
		       coalesce(d.cost, 0)
		FROM d FULL JOIN t ON t."entrantId" = d."entrantId"`, numericText, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]arena.Activity{}
	for rows.Next() {
		var e string
		var a arena.Activity
		if err := rows.Scan(&e, &a.Trades, &a.Wins, &a.Losses, &a.Longs, &a.NetPnL, &a.GrossPnL, &a.WinPnL, &a.LossPnL, &a.Fees,
			&a.Funding, &a.Invocations, &a.FailedInvocations, &a.ToolFailedInvocations, &a.FailedAny, &a.InputTokens,
			&a.OutputTokens, &a.Latency, &a.CostUSD); err != nil {
			return nil, err
		}
		out[e] = a
	}
	return out, rows.Err()
}
