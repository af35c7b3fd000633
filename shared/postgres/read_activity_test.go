package postgres_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/postgres"
	"github.com/autonome-go/autonome/shared/testenv"
)

type rawTrade struct {
	model, side, trigger string
	status               string
	qty, entry           arena.Fixed
	lev                  *arena.Fixed
	realized, fees, fund arena.Fixed
	conf                 *float64
	opened, closed       time.Time
}

type rawInv struct {
	id, model, status string
	in, out, latency  int64
	cost              arena.Fixed
	at                time.Time
	toolFailed        bool
}

// writeActivity inserts random trades, invocations and tool calls, then
// updates and deletes some, all through ordinary statements, so that the
// triggers see every kind of change.
func writeActivity(t *testing.T, pool *pgxpool.Pool, ids []string, base time.Time, rng *rand.Rand) {
	t.Helper()
	ctx := context.Background()
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := pool.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	sides := []string{"LONG", "SHORT"}
	triggers := []any{nil, nil, "STOP", "TARGET", "LIQUIDATION", "RESET"}
	for i := 0; i < 400; i++ {
		m := ids[rng.IntN(len(ids))]
		opened := base.Add(time.Duration(rng.Int64N(int64(40 * time.Hour))))
		closed := opened.Add(time.Duration(rng.Int64N(int64(6 * time.Hour))))
		status := "CLOSED"
		if i%9 == 0 {
			status = "OPEN"
		}
		var lev, plan any
		if rng.IntN(3) > 0 {
			lev = fmt.Sprintf("%d.%02d", 1+rng.IntN(9), rng.IntN(100))
		}
		switch rng.IntN(3) {
		case 0:
			plan = fmt.Sprintf(`{"stop": 1, "confidence": %.3f}`, rng.Float64())
		case 1:
			plan = `{"stop": 2}`
		}
		var closedAt any = closed
		if status == "OPEN" {
			closedAt = nil
		}
		exec(`INSERT INTO "Orders" ("id", "modelId", "symbol", "side", "quantity", "leverage", "entryPrice", "exitPlan", "status",
			"exitPrice", "realizedPnl", "fees", "fundingPnl", "closeTrigger", "openedAt", "closedAt")
			VALUES ($1, $2, $15, $3, $4, $5, $6, $7, $8, $6, $9, $10, $11, $12, $13, $14)`,
			fmt.Sprintf("o%d", i), m, sides[rng.IntN(2)], fmt.Sprintf("0.%04d", 1+rng.IntN(9999)), lev,
			fmt.Sprintf("%d.5", 90_000+rng.IntN(5000)), plan, status,
			fmt.Sprintf("%d.%08d", rng.IntN(400)-200, rng.IntN(1e8)), fmt.Sprintf("0.%06d", rng.IntN(1e6)),
			fmt.Sprintf("%d.%04d", rng.IntN(3)-1, rng.IntN(1e4)), triggers[rng.IntN(len(triggers))], opened, closedAt,
			fmt.Sprintf("SYM%d", i)) // a symbol per row: at most one OPEN row per model and symbol
	}
	statuses := []string{"success", "success", "failed"}
	for i := 0; i < 300; i++ {
		id := fmt.Sprintf("i%d", i)
		exec(`INSERT INTO "Invocations" ("id", "modelId", "status", "failureReason", "inputTokens", "outputTokens", "costUsd", "latencyMs", "createdAt")
			VALUES ($1, $2, $3, CASE WHEN $3 = 'failed' THEN 'timeout' END, $4, $5, $6, $7, $8)`,
			id, ids[rng.IntN(len(ids))], statuses[rng.IntN(len(statuses))], rng.IntN(5000), rng.IntN(900),
			fmt.Sprintf("0.%08d", rng.IntN(1e8)), rng.IntN(20000), base.Add(time.Duration(rng.Int64N(int64(40*time.Hour)))))
		for j := 0; j < rng.IntN(3); j++ {
			exec(`INSERT INTO "ToolCalls" ("id", "invocationId", "toolCallType", "success") VALUES ($1, $2, 'CREATE_POSITION', $3)`,
				fmt.Sprintf("%s-t%d", id, j), id, rng.IntN(4) > 0)
		}
	}
	for j, m := range ids { // at most one running decision per model
		exec(`INSERT INTO "Invocations" ("id", "modelId", "status", "createdAt") VALUES ($1, $2, 'running', $3)`,
			fmt.Sprintf("i1%03d", j), m, base.Add(time.Duration(j)*time.Hour))
	}
	// Later changes: positions close, runs finish, tool calls are corrected,
	// rows disappear, all in multi-row statements.
	exec(`UPDATE "Orders" SET "status" = 'CLOSED', "closedAt" = "openedAt" + interval '90 minutes', "exitPrice" = "entryPrice" + 10
		WHERE "status" = 'OPEN' AND "id" LIKE 'o1%'`)
	exec(`UPDATE "Orders" SET "fees" = "fees" + 0.5 WHERE "id" LIKE 'o2%'`)
	exec(`UPDATE "Invocations" SET "status" = 'success', "costUsd" = "costUsd" + 0.01 WHERE "status" = 'running' AND "id" LIKE 'i1%'`)
	exec(`UPDATE "ToolCalls" SET "success" = NOT "success" WHERE "id" LIKE 'i2%'`)
	exec(`DELETE FROM "ToolCalls" WHERE "invocationId" IN ('i5', 'i6', 'i7', 'i50', 'i51')`)
	exec(`DELETE FROM "Invocations" WHERE "id" IN ('i5', 'i6', 'i7', 'i50', 'i51')`)
	exec(`DELETE FROM "Orders" WHERE "id" IN ('o3', 'o30', 'o31', 'o300')`)
}

func readRaw(t *testing.T, pool *pgxpool.Pool) ([]rawTrade, []rawInv) {
	t.Helper()
	ctx := context.Background()
	rows, err := pool.Query(ctx, `SELECT "modelId", "side"::text, coalesce("closeTrigger", ''), "status"::text, "quantity",
		"entryPrice", "leverage", coalesce("realizedPnl", 0), "fees", "fundingPnl",
		CASE WHEN jsonb_typeof("exitPlan"->'confidence') = 'number' THEN ("exitPlan"->>'confidence')::float8 END,
		"openedAt", coalesce("closedAt", "openedAt") FROM "Orders"`)
	if err != nil {
		t.Fatal(err)
	}
	var trades []rawTrade
	for rows.Next() {
		var r rawTrade
		if err := rows.Scan(&r.model, &r.side, &r.trigger, &r.status, &r.qty, &r.entry, &r.lev, &r.realized, &r.fees, &r.fund,
			&r.conf, &r.opened, &r.closed); err != nil {
			t.Fatal(err)
		}
		trades = append(trades, r)
	}
	rows.Close()
	rows, err = pool.Query(ctx, `SELECT i."id", i."modelId", i."status", i."inputTokens", i."outputTokens", i."latencyMs", i."costUsd", i."createdAt",
		EXISTS (SELECT 1 FROM "ToolCalls" tc WHERE tc."invocationId" = i."id" AND NOT tc."success") FROM "Invocations" i`)
	if err != nil {
		t.Fatal(err)
	}
	var invs []rawInv
	for rows.Next() {
		var r rawInv
		if err := rows.Scan(&r.id, &r.model, &r.status, &r.in, &r.out, &r.latency, &r.cost, &r.at, &r.toolFailed); err != nil {
			t.Fatal(err)
		}
		invs = append(invs, r)
	}
	rows.Close()
	return trades, invs
}

func naiveActivity(trades []rawTrade, invs []rawInv, from time.Time) map[string]arena.Activity {
	out := map[string]arena.Activity{}
	for _, r := range trades {
		if r.status != "CLOSED" || r.trigger == "RESET" || r.closed.Before(from) {
			continue
		}
		a := out[r.model]
		net := r.realized - r.fees + r.fund
		a.Trades++
		switch {
		case net > 0:
			a.Wins++
			a.WinPnL += net
		case net < 0:
			a.Losses++
			a.LossPnL += net
		}
		if r.side == "LONG" {
			a.Longs++
		}
		a.NetPnL += net
		a.GrossPnL += r.realized
		a.Fees += r.fees
		a.Funding += r.fund
		out[r.model] = a
	}
	for _, r := range invs {
		if r.status == "running" || r.at.Before(from) {
			continue
		}
		a := out[r.model]
		a.Invocations++
		if r.status == "failed" {
			a.FailedInvocations++
		}
		if r.toolFailed {
			a.ToolFailedInvocations++
		}
		if r.status == "failed" || r.toolFailed {
			a.FailedAny++
		}
		a.InputTokens += r.in
		a.OutputTokens += r.out
		a.Latency += r.latency
		a.CostUSD += r.cost
		out[r.model] = a
	}
	return out
}

func median(v []float64) float64 {
	sort.Float64s(v)
	n := len(v)
	if n == 0 {
		return 0
	}
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}

func naiveTradeStats(trades []rawTrade) map[string]arena.TradeStats {
	type acc struct {
		sizes, holds, levs, confs []float64
		win, loss                 arena.Fixed
	}
	accs := map[string]*acc{}
	for _, r := range trades {
		if r.status != "CLOSED" || r.trigger == "RESET" {
			continue
		}
		a := accs[r.model]
		if a == nil {
			a = &acc{}
			accs[r.model] = a
		}
		net := r.realized - r.fees + r.fund
		if net > 0 {
			a.win = max(a.win, net)
		}
		if net < 0 {
			a.loss = min(a.loss, net)
		}
		a.sizes = append(a.sizes, r.qty.Mul(r.entry).Float64())
		a.holds = append(a.holds, r.closed.Sub(r.opened).Minutes())
		if r.lev != nil {
			a.levs = append(a.levs, r.lev.Float64())
		}
		if r.conf != nil {
			a.confs = append(a.confs, *r.conf)
		}
	}
	stat := func(v []float64) (avg, med, mx float64) {
		if len(v) == 0 {
			return 0, 0, 0
		}
		s := 0.0
		for _, x := range v {
			s += x
			mx = max(mx, x)
		}
		return s / float64(len(v)), median(v), mx
	}
	out := map[string]arena.TradeStats{}
	for m, a := range accs {
		s := arena.TradeStats{Trades: len(a.sizes), BiggestWin: a.win, BiggestLoss: a.loss,
			LeverageCount: len(a.levs), ConfidenceCount: len(a.confs)}
		s.AvgSize, s.MedianSize, s.MaxSize = stat(a.sizes)
		s.AvgHold, s.MedianHold, s.MaxHold = stat(a.holds)
		s.AvgLeverage, s.MedianLeverage, s.MaxLeverage = stat(a.levs)
		s.AvgConfidence, s.MedianConfidence, s.MaxConfidence = stat(a.confs)
		out[m] = s
	}
	return out
}

// The hourly activity, its totals and the trade statistics maintained by
// the triggers equal a full scan of the raw rows after any mix of inserts,
// updates and deletes.
func TestActivityMatchesRawScan(t *testing.T) {
	pool, _ := testenv.Postgres(t)
	ctx := testenv.Context(t, 120*time.Second)
	ids := seedModels(t, pool, 4)
	base := time.Date(2026, 2, 3, 5, 41, 0, 0, time.UTC)
	writeActivity(t, pool, ids, base, rand.New(rand.NewPCG(3, 5)))
	trades, invs := readRaw(t, pool)
	r := postgres.NewReader(pool)

	floats := cmp.Comparer(func(a, b float64) bool { return math.Abs(a-b) <= 1e-9*max(1, math.Abs(a)) })
	totals, err := r.ActivityTotals(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(naiveActivity(trades, invs, time.Time{}), totals); diff != "" {
		t.Fatalf("totals (-naive +maintained):\n%s", diff)
	}
	for _, from := range []time.Time{base.Add(-time.Hour), base.Add(7*time.Hour + 13*time.Minute), base.Add(30*time.Hour + 59*time.Minute)} {
		got, err := r.ActivityWindow(ctx, ids, from)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(naiveActivity(trades, invs, from), got); diff != "" {
			t.Fatalf("window from %s (-naive +maintained):\n%s", from, diff)
		}
	}
	stats, err := r.TradeStats(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(naiveTradeStats(trades), stats, floats); diff != "" {
		t.Fatalf("trade stats (-naive +maintained):\n%s", diff)
	}
}
