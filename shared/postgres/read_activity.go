package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/autonome-go/autonome/shared/arena"
)

const activityColumns = `"trades", "wins", "losses", "longs", "netPnlE8", "grossPnlE8", "winPnlE8", "lossPnlE8",
	"feesE8", "fundingE8", "invocations", "failedInvocations", "toolFailedInvocations", "failedAny", "inputTokens",
	"outputTokens", "costUsdE8", "latencyMs"`

// ActivityTotals returns every model's all-time activity (models that never
// did anything are absent).
func (r *Reader) ActivityTotals(ctx context.Context, ids []string) (map[string]arena.Activity, error) {
	rows, err := r.pool.Query(ctx, `SELECT "modelId", `+activityColumns+`
		FROM "ModelActivityTotals" WHERE "modelId" = ANY($1)`, ids)
	if err != nil {
		return nil, readErr(err, "query activity totals")
	}
	return collectActivity(rows)
}

// ActivityWindow returns each model's activity from `from` on: whole days
// from "ActivityDaily", whole hours before the first of them from
// "ActivityHourly", and the part of the first hour from the raw rows, so
// that the read is bounded by the window's days, not its events.
func (r *Reader) ActivityWindow(ctx context.Context, ids []string, from time.Time) (map[string]arena.Activity, error) {
	c1 := binCeil(from, time.Hour)
	c2 := binCeil(c1, 24*time.Hour)
	rows, err := r.pool.Query(ctx, `
		WITH parts AS (
			SELECT "modelId", `+activityColumns+` FROM "ActivityDaily" WHERE "modelId" = ANY($1) AND "dayStart" >= $4
			UNION ALL
			SELECT "modelId", `+activityColumns+` FROM "ActivityHourly"
			WHERE "modelId" = ANY($1) AND "hourStart" >= $3 AND "hourStart" < $4
			UNION ALL
			SELECT o."modelId", count(*), count(*) FILTER (WHERE n.net > 0), count(*) FILTER (WHERE n.net < 0),
			       count(*) FILTER (WHERE o."side" = 'LONG'), sum(n.net), sum(v.gross),
			       coalesce(sum(n.net) FILTER (WHERE n.net > 0), 0), coalesce(sum(n.net) FILTER (WHERE n.net < 0), 0),
			       sum(v.fee), sum(v.fund), 0, 0, 0, 0, 0, 0, 0, 0
			FROM "Orders" o
			CROSS JOIN LATERAL (SELECT (coalesce(o."realizedPnl", 0) * 100000000)::int8 AS gross,
			                           (o."fees" * 100000000)::int8 AS fee, (o."fundingPnl" * 100000000)::int8 AS fund) v
			CROSS JOIN LATERAL (SELECT v.gross - v.fee + v.fund AS net) n
			WHERE o."modelId" = ANY($1) AND o."status" = 'CLOSED' AND o."closedAt" >= $2 AND o."closedAt" < $3
			  AND o."closeTrigger" IS DISTINCT FROM 'RESET'
			GROUP BY 1
			UNION ALL
			SELECT i."modelId", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, count(*), count(*) FILTER (WHERE i."status" = 'failed'),
			       count(*) FILTER (WHERE tf.failed), count(*) FILTER (WHERE i."status" = 'failed' OR tf.failed),
			       sum(i."inputTokens"), sum(i."outputTokens"), sum((i."costUsd" * 100000000)::int8), sum(i."latencyMs")
			FROM "Invocations" i
			CROSS JOIN LATERAL (SELECT EXISTS (SELECT 1 FROM "ToolCalls" tc WHERE tc."invocationId" = i."id" AND NOT tc."success") AS failed) tf
			WHERE i."modelId" = ANY($1) AND i."status" <> 'running' AND i."createdAt" >= $2 AND i."createdAt" < $3
			GROUP BY 1
		)
		SELECT "modelId", sum("trades")::int, sum("wins")::int, sum("losses")::int, sum("longs")::int,
		       sum("netPnlE8")::int8, sum("grossPnlE8")::int8, sum("winPnlE8")::int8, sum("lossPnlE8")::int8,
		       sum("feesE8")::int8, sum("fundingE8")::int8, sum("invocations")::int, sum("failedInvocations")::int,
		       sum("toolFailedInvocations")::int, sum("failedAny")::int, sum("inputTokens")::int8,
		       sum("outputTokens")::int8, sum("costUsdE8")::int8, sum("latencyMs")::int8
		FROM parts GROUP BY 1`, ids, from, c1, c2)
	if err != nil {
		return nil, readErr(err, "query activity window")
	}
	return collectActivity(rows)
}

func collectActivity(rows pgx.Rows) (map[string]arena.Activity, error) {
	out := map[string]arena.Activity{}
	var id string
	var a arena.Activity
	var net, gross, win, loss, fees, funding, cost int64 // arena.Fixed units, scanned as integers
	_, err := pgx.ForEachRow(rows, []any{&id, &a.Trades, &a.Wins, &a.Losses, &a.Longs, &net, &gross, &win,
		&loss, &fees, &funding, &a.Invocations, &a.FailedInvocations, &a.ToolFailedInvocations, &a.FailedAny,
		&a.InputTokens, &a.OutputTokens, &cost, &a.Latency}, func() error {
		a.NetPnL, a.GrossPnL, a.WinPnL, a.LossPnL = arena.Fixed(net), arena.Fixed(gross), arena.Fixed(win), arena.Fixed(loss)
		a.Fees, a.Funding, a.CostUSD = arena.Fixed(fees), arena.Fixed(funding), arena.Fixed(cost)
		out[id] = a
		return nil
	})
	if err != nil {
		return nil, readErr(err, "read activity")
	}
	return out, nil
}

// TradeStats returns the statistics of the models of ids that have trades.
func (r *Reader) TradeStats(ctx context.Context, ids []string) (map[string]arena.TradeStats, error) {
	rows, err := r.pool.Query(ctx, `
		SELECT "modelId", "trades", "biggestWinE8", "biggestLossE8", "avgTradeSize", "medianTradeSize",
		       "maxTradeSize", "avgHoldMinutes", "medianHoldMinutes", "maxHoldMinutes", "leverageCount", "avgLeverage",
		       "medianLeverage", "maxLeverage", "confidenceCount", "avgConfidence", "medianConfidence", "maxConfidence"
		FROM "ModelTradeStats" WHERE "modelId" = ANY($1)`, ids)
	if err != nil {
		return nil, readErr(err, "query trade stats")
	}
	return collectTradeStats(rows)
}

// collectTradeStats reads rows of (id, trades, biggest win and loss ×1e8,
// sizes, holds, leverages, confidences) keyed by their first column.
func collectTradeStats(rows pgx.Rows) (map[string]arena.TradeStats, error) {
	out := map[string]arena.TradeStats{}
	var id string
	var s arena.TradeStats
	var win, loss int64
	_, err := pgx.ForEachRow(rows, []any{&id, &s.Trades, &win, &loss, &s.AvgSize, &s.MedianSize, &s.MaxSize,
		&s.AvgHold, &s.MedianHold, &s.MaxHold, &s.LeverageCount, &s.AvgLeverage, &s.MedianLeverage, &s.MaxLeverage,
		&s.ConfidenceCount, &s.AvgConfidence, &s.MedianConfidence, &s.MaxConfidence}, func() error {
		s.BiggestWin, s.BiggestLoss = arena.Fixed(win), arena.Fixed(loss)
		out[id] = s
		return nil
	})
	if err != nil {
		return nil, readErr(err, "read trade stats")
	}
	return out, nil
}

// SeasonTradeStats returns the trade statistics of a stored season's
// entrants that closed trades, computed from "SeasonTrades" as
// arena_refresh_trade_stats computes the live accounts' (sizes are the
// closed quantity at the entry price, USD; holds in minutes).
func (r *Reader) SeasonTradeStats(ctx context.Context, id string) (map[string]arena.TradeStats, error) {
	rows, err := r.pool.Query(ctx, `
		WITH t AS (
			SELECT "entrantId", (("realizedPnl" - "fees" + "funding") * 100000000)::int8 AS net,
			       ("quantity" * "entryPrice")::float8 AS size, extract(epoch FROM ("closedAt" - "openedAt"))::float8 / 60 AS hold,
			       "leverage"::float8 AS lev, "confidence" AS conf
			FROM "SeasonTrades" WHERE "seasonId" = $1
		)
		SELECT "entrantId", count(*)::int, coalesce(max(net) FILTER (WHERE net > 0), 0), coalesce(min(net) FILTER (WHERE net < 0), 0),
		       avg(size), percentile_cont(0.5) WITHIN GROUP (ORDER BY size), max(size),
		       avg(hold), percentile_cont(0.5) WITHIN GROUP (ORDER BY hold), max(hold),
		       count(lev)::int, coalesce(avg(lev), 0), coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY lev), 0), coalesce(max(lev), 0),
		       count(conf)::int, coalesce(avg(conf), 0), coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY conf), 0), coalesce(max(conf), 0)
		FROM t GROUP BY 1`, id)
	if err != nil {
		return nil, readErr(err, "query season trade stats")
	}
	return collectTradeStats(rows)
}
