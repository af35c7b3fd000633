package rpc_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/autonome-go/autonome/functions/internal/rpc"
	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/postgres"
	"github.com/autonome-go/autonome/shared/redis"
	"github.com/autonome-go/autonome/shared/testenv"
)

// Size of the benchmark arena: the 21 models, 100 000 orders and
// 1 000 000 equity snapshots (one a minute per model: 33 days), plus a
// decision every five minutes per model with its tool calls.
const (
	benchModels    = 21
	benchSnapshots = 1_000_000
	benchOrders    = 100_000
	benchDays      = 33
)

// seedBench fills a fresh database through the same triggers the worker's
// writes go through, a day at a time, and returns it with its model ids.
func seedBench(b *testing.B, pool *pgxpool.Pool, now time.Time) []string {
	ctx := context.Background()
	start := now.Add(-time.Duration(benchSnapshots/benchModels) * time.Minute)
	roster := arena.DefaultRoster()[:benchModels]
	if _, err := postgres.Seed(ctx, pool, roster, arena.FixedInt(10_000)); err != nil {
		b.Fatal(err)
	}
	var ids []string
	if err := pool.QueryRow(ctx, `SELECT array_agg("id" ORDER BY "id") FROM "Models"`).Scan(&ids); err != nil {
		b.Fatal(err)
	}
	exec := func(sql string, args ...any) {
		if _, err := pool.Exec(ctx, sql, args...); err != nil {
			b.Fatalf("%v\n%s", err, sql)
		}
	}
	perModel := benchSnapshots / benchModels
	for from := 0; from < perModel; from += 1440 {
		to := min(from+1440, perModel) - 1
		exec(`INSERT INTO "PortfolioSize" ("id", "modelId", "netPortfolio", "createdAt", "updatedAt")
			SELECT m.id || '-' || i, m.id, round((10000 + 400 * sin(i / 700.0 + m.k) + 150 * sin(i / 37.0 * m.k) + (m.k - 3) * i / 200.0)::numeric, 2),
			       $1::timestamptz + i * interval '1 minute', $1::timestamptz + i * interval '1 minute'
			FROM (SELECT id, row_number() OVER (ORDER BY id)::float8 / 3 AS k FROM "Models") m, generate_series($2::int, $3::int) i`,
			start, from, to)
	}
	perOrderModel := benchOrders / benchModels
	span := now.Sub(start).Minutes()
	for _, id := range ids {
		exec(`INSERT INTO "Orders" ("id", "modelId", "symbol", "side", "quantity", "leverage", "entryPrice", "exitPlan", "status",
				"exitPrice", "realizedPnl", "fees", "fundingPnl", "closeTrigger", "openedAt", "closedAt", "updatedAt")
			SELECT $1 || '-o' || i, $1, (ARRAY['BTC','ETH','SOL'])[1 + i % 3], (ARRAY['LONG','SHORT'])[1 + i % 2]::"OrderSide",
			       round((0.01 + (i % 17) / 100.0)::numeric, 5), 1 + i % 10, 90000 + (i * 37) % 5000,
			       jsonb_build_object('stop', 85000, 'target', 99000, 'confidence', ((i * 13) % 100) / 100.0), 'CLOSED',
			       90000 + (i * 53) % 5000, round(((i * 7919) % 400 - 200 + (i % 5) * 0.37)::numeric, 8), round((0.5 + (i % 9) * 0.11)::numeric, 8),
			       round((((i * 31) % 7) - 3) * 0.05::numeric, 8), (ARRAY[NULL, 'STOP', 'TARGET', NULL, 'TIME'])[1 + i % 5],
			       $2::timestamptz + (i * $3 / $4) * interval '1 minute',
			       $2::timestamptz + (i * $3 / $4 + 5 + (i * 97) % 600) * interval '1 minute', $5::timestamptz
			FROM generate_series(0, $4 - 4) i`, id, start, span, perOrderModel, now)
		exec(`INSERT INTO "Orders" ("id", "modelId", "symbol", "side", "quantity", "leverage", "entryPrice", "margin", "status", "openedAt", "updatedAt")
			SELECT $1 || '-p' || s, $1, s, 'LONG', 0.1, 5, CASE s WHEN 'BTC' THEN 95000 WHEN 'ETH' THEN 3300 ELSE 180 END,
			       CASE s WHEN 'BTC' THEN 1900 WHEN 'ETH' THEN 66 ELSE 3.6 END, 'OPEN', $2, $2
			FROM unnest(ARRAY['BTC','ETH','SOL']) s`, id, now.Add(-time.Hour))
	}
	for day := 0; day < benchDays; day++ {
		exec(`INSERT INTO "Invocations" ("id", "modelId", "response", "responsePayload", "status", "failureReason", "latencyMs",
				"inputTokens", "outputTokens", "costUsd", "createdAt", "updatedAt")
			SELECT m.id || '-i' || $2::int || '-' || i, m.id, 'Holding: no edge in the current regime.',
			       jsonb_build_object('stepTelemetry', jsonb_build_array(jsonb_build_object('stepNumber', 1, 'toolNames', jsonb_build_array('holding'),
			           'inputTokens', 5000, 'outputTokens', 200, 'totalTokens', 5200, 'timestamp', '2026-01-01T00:00:00.000Z'))),
			       CASE WHEN i % 20 = 7 THEN 'failed' ELSE 'success' END, CASE WHEN i % 20 = 7 THEN 'timeout' END,
			       1500 + i % 3000, 5000 + i % 900, 150 + i % 300, 0.0042 + (i % 10) / 10000.0,
			       $1::timestamptz + ($2::int * 288 + i) * interval '5 minutes', $1::timestamptz + ($2::int * 288 + i) * interval '5 minutes'
			FROM "Models" m, generate_series(0, 287) i`, start, day)
		exec(`INSERT INTO "ToolCalls" ("id", "invocationId", "toolCallType", "metadata", "success", "createdAt", "updatedAt")
			SELECT i."id" || '-t', i."id", 'HOLDING', '{"action": "holding", "reason": "no edge"}', right(i."id", 2) <> '13', i."createdAt", i."createdAt"
			FROM "Invocations" i WHERE i."id" LIKE '%-i' || $1::int || '-%'`, day)
	}
	exec(`VACUUM ANALYZE`) // the steady state: statistics and visibility maps as autovacuum keeps them
	return ids
}

// BenchmarkProcedures reports the latency percentiles of every procedure
// against the seeded arena, in process (as inside Lambda: handler, pool and
// Redis client warm; no network but the database's and Redis').
func BenchmarkProcedures(b *testing.B) {
	pool, _ := testenv.Postgres(b)
	rdb, prefix := testenv.Redis(b)
	now := time.Now().UTC()
	t0 := time.Now()
	ids := seedBench(b, pool, now)
	b.Logf("seeded %d models, %d orders, %d snapshots in %s", len(ids), benchOrders, benchSnapshots, time.Since(t0).Round(time.Second))
	marks := redis.NewMarks(rdb, prefix)
	_ = marks.Set(context.Background(), []arena.Price{{Symbol: "BTC", Price: arena.MustFixed("97000.5"), Time: now},
		{Symbol: "ETH", Price: arena.MustFixed("3312.25"), Time: now}, {Symbol: "SOL", Price: arena.MustFixed("182.5"), Time: now}})
	h := rpc.NewHandler(rpc.Deps{DB: postgres.NewReader(pool), Marks: marks, Health: redis.NewHealth(rdb, prefix)}, rpc.Options{})

	cases := []struct{ name, path, body string }{
		{"getTrades", "trading/getTrades", `{"json":{}}`},
		{"getTrades-500", "trading/getTrades", `{"json":{"limit":500}}`},
		{"getPositions", "trading/getPositions", `{"json":{}}`},
		{"getCryptoPrices", "trading/getCryptoPrices", `{"json":{}}`},
		{"getPortfolioHistory-24h-variant", "trading/getPortfolioHistory", fmt.Sprintf(`{"json":{"variant":"Apex","startDate":%q}}`, rpc.ISO(now.Add(-24*time.Hour)))},
		{"getPortfolioHistory-30d-variant", "trading/getPortfolioHistory", fmt.Sprintf(`{"json":{"variant":"Apex","startDate":%q}}`, rpc.ISO(now.Add(-30*24*time.Hour)))},
		{"getPortfolioHistory-30d-all-2000", "trading/getPortfolioHistory", fmt.Sprintf(`{"json":{"startDate":%q,"maxPoints":2000}}`, rpc.ISO(now.Add(-30*24*time.Hour)))},
		{"getPortfolioHistory-all", "trading/getPortfolioHistory", `{"json":{}}`},
		{"getModels", "models/getModels", ""},
		{"getInvocations", "models/getInvocations", `{"json":{}}`},
		{"getAccount", "simulator/getAccount", fmt.Sprintf(`{"json":{"accountId":%q}}`, ids[0])},
		{"getModelStats-overall", "analytics/getModelStats", `{"json":{"mode":"overall"}}`},
		{"getModelStats-advanced", "analytics/getModelStats", `{"json":{"mode":"advanced"}}`},
		{"getLeaderboard-24h", "analytics/getLeaderboard", `{"json":{"window":"24h"}}`},
		{"getLeaderboard-7d", "analytics/getLeaderboard", `{"json":{"window":"7d"}}`},
		{"getLeaderboard-30d", "analytics/getLeaderboard", `{"json":{"window":"30d","sortBy":"maxDrawdown"}}`},
		{"getFailures", "analytics/getFailures", `{"json":{}}`},
		{"getRunInfo", "analytics/getRunInfo", ""},
		{"getVariants", "variants/getVariants", ""},
		{"getVariantStats", "variants/getVariantStats", ""},
		{"getVariantHistory-30d", "variants/getVariantHistory", `{"json":{"window":"30d"}}`},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			lat := make([]time.Duration, 0, b.N)
			size := 0
			for i := 0; i < b.N; i++ {
				req := httptest.NewRequest("POST", "/api/rpc/"+c.path, strings.NewReader(c.body))
				rec := httptest.NewRecorder()
				t := time.Now()
				h.ServeHTTP(rec, req)
				lat = append(lat, time.Since(t))
				if rec.Code != 200 {
					b.Fatalf("%d %s", rec.Code, rec.Body)
				}
				size = rec.Body.Len()
			}
			slices.Sort(lat)
			b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
			b.ReportMetric(ms(lat[min(len(lat)-1, len(lat)*99/100)]), "p99-ms")
			b.ReportMetric(float64(size), "bytes")
		})
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
