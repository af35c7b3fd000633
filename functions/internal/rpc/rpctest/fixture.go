// Package rpctest is the API's test fixture: a real PostgreSQL database
// and Redis seeded with a small, fixed arena (four accounts, five weeks of
// equity, trades, decisions, marks, scheduler health), a real asynq worker
// answering commands, the requests every procedure is tested with, and the
// golden files of their answers. The HTTP tests, the Lambda-event tests and
// the JavaScript client test all use it, so they check the same answers.
package rpctest

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	goredis "github.com/redis/go-redis/v9"

	"github.com/autonome-go/autonome/functions/internal/rpc"
	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/commands"
	"github.com/autonome-go/autonome/shared/commands/commandstest"
	"github.com/autonome-go/autonome/shared/postgres"
	"github.com/autonome-go/autonome/shared/redis"
	"github.com/autonome-go/autonome/shared/stats"
	"github.com/autonome-go/autonome/shared/testenv"
)

// Now is the fixture's clock.
var Now = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)

// AdminToken is the bearer token the fixture's handler accepts.
const AdminToken = "test-admin-token-5f1c"

// Account ids of the fixture.
const (
	DeepseekGuardian = "m-ds-guardian"
	DeepseekApex     = "m-ds-apex"
	KimiApex         = "m-kimi-apex"
	BaselineHold     = "m-base-hold"
)

// Env is a seeded arena.
type Env struct {
	URL    string // the database's URL
	Pool   *pgxpool.Pool
	Redis  *goredis.Client
	Prefix string
	Queue  string
	Deps   rpc.Deps
}

// MinRecord is the fixture's minimum record: low enough that the accounts
// that trade are ranked, so both kinds of entrant show in the answers.
var MinRecord = stats.MinRecord{Trades: 1, Days: 1}

// Options returns the handler options the tests use: admin token, the
// fixture's clock, no rate limit.
func (e *Env) Options() rpc.Options {
	return rpc.Options{AdminTokens: []string{AdminToken}, CommandTimeout: 5 * time.Second, StartedAt: Now.Add(-time.Hour),
		CORSOrigins: []string{"https://arena.example.com"}, Bootstrap: rpc.DefaultBootstrap, MinRecord: MinRecord}
}

// Seed creates the arena and starts a worker answering its commands.
func Seed(t testing.TB) *Env {
	t.Helper()
	pool, dbURL := testenv.Postgres(t)
	rdb, prefix := testenv.Redis(t)
	ctx := testenv.Context(t, 60*time.Second)
	for _, q := range seedSQL {
		if _, err := pool.Exec(ctx, q, Now); err != nil {
			t.Fatalf("seed: %v\n%s", err, q)
		}
	}
	if err := SeedSeasons(ctx, pool); err != nil {
		t.Fatalf("seed seasons: %v", err)
	}
	marks := redis.NewMarks(rdb, prefix)
	if err := marks.Set(ctx, []arena.Price{
		{Symbol: "BTC", Price: arena.MustFixed("97000.5"), Time: Now.Add(-2 * time.Second)},
		{Symbol: "ETH", Price: arena.MustFixed("3312.25"), Time: Now.Add(-2 * time.Second)},
	}); err != nil {
		t.Fatal(err)
	}
	books := redis.NewBooks(rdb, prefix)
	if err := books.Set(ctx, []arena.BookUpdate{{Symbol: "BTC", Time: Now.Add(-time.Second), Seq: 4242,
		Bids: []arena.Level{{Price: arena.MustFixed("97000"), Size: arena.MustFixed("0.75")}, {Price: arena.MustFixed("96999.5"), Size: arena.MustFixed("2.1")}},
		Asks: []arena.Level{{Price: arena.MustFixed("97001"), Size: arena.MustFixed("0.4")}, {Price: arena.MustFixed("97002.5"), Size: arena.MustFixed("1.05")}},
	}, {Symbol: "ETH", Time: Now.Add(-5 * time.Minute), Seq: 17,
		Bids: []arena.Level{{Price: arena.MustFixed("3312"), Size: arena.MustFixed("12")}},
		Asks: []arena.Level{{Price: arena.MustFixed("3312.5"), Size: arena.MustFixed("9.5")}},
	}}); err != nil {
		t.Fatal(err)
	}
	health := redis.NewHealth(rdb, prefix)
	if err := health.Write(ctx, redis.SchedulerHealth{
		WorkerStartedAt: Now.Add(-26 * time.Hour), UpdatedAt: Now.Add(-20 * time.Second),
		Trade: redis.TradeHealth{LastRun: Now.Add(-3 * time.Minute), LastSuccess: Now.Add(-8 * time.Minute),
			ConsecutiveFailedCycles: 1, ModelsRunning: []redis.RunningModel{{ID: KimiApex, StartedAt: Now.Add(-95 * time.Second)}},
			LastCycle: &redis.CycleStats{StartedAt: Now.Add(-8 * time.Minute), FinishedAt: Now.Add(-6 * time.Minute),
				Models: 4, Succeeded: 3, Failed: 1}},
		Portfolio: redis.PortfolioHealth{LastRun: Now.Add(-40 * time.Second), LastSuccess: Now.Add(-40 * time.Second)},
		Feed:      redis.FeedHealth{Source: "synthetic", LastUpdate: Now.Add(-time.Second)},
	}); err != nil {
		t.Fatal(err)
	}
	queue := commandstest.Queue(prefix)
	commandstest.Worker(t, rdb, queue, commandstest.Handlers{PlaceOrder: placeOrder, ResetAccount: resetAccount, LiveKill: liveKill, Now: time.Now})
	var ids atomic.Int32
	return &Env{URL: dbURL, Pool: pool, Redis: rdb, Prefix: prefix, Queue: queue, Deps: rpc.Deps{
		DB: postgres.NewReader(pool), Marks: marks, Books: books, Commands: commands.NewClient(rdb, queue), Health: health,
		Now:   func() time.Time { return Now },
		NewID: func() string { return "api-generated-" + strconv.Itoa(int(ids.Add(1))) },
	}}
}

// Worker answers the fixture's commands on queue (for tests that wire the
// API from configuration, whose queue is commands.Queue(prefix)).
func (e *Env) Worker(t testing.TB, queue string) {
	commandstest.Worker(t, e.Redis, queue, commandstest.Handlers{PlaceOrder: placeOrder, ResetAccount: resetAccount, LiveKill: liveKill, Now: time.Now})
}

// LiveSeat is the one model the fixture worker trades live.
const LiveSeat = "kimi-k2-thinking/apex"

// liveKill is the fixture worker's kill switch: LiveSeat (or every model)
// is killed, any other model is not live.
func liveKill(_ context.Context, k commands.LiveKill) (commands.LiveKillResult, error) {
	if k.Model != "" && k.Model != LiveSeat {
		return commands.LiveKillResult{Failure: &commands.Failure{Code: arena.CodeNotFound, Message: "no live model " + k.Model}}, nil
	}
	return commands.LiveKillResult{Kill: &commands.LiveKillOutcome{Models: []commands.KilledModel{{Model: LiveSeat, AccountID: KimiApex}}}}, nil
}

// placeOrder is the fixture worker: it fills every order at a fixed price
// with one taker fill.
func placeOrder(_ context.Context, p commands.PlaceOrder) (commands.PlaceOrderResult, error) {
	price := map[arena.Symbol]arena.Fixed{"BTC": arena.MustFixed("97010.1"), "ETH": arena.MustFixed("3313"), "SOL": arena.MustFixed("181.25")}[p.Symbol]
	if p.Type == arena.OrderLimit && p.LimitPrice > 0 {
		price = p.LimitPrice
	}
	fee := p.Quantity.Mul(price).Mul(arena.MustFixed("0.00028"))
	return commands.PlaceOrderResult{Order: &commands.OrderResult{
		ClientOrderID: p.ClientOrderID, AccountID: p.AccountID, Symbol: p.Symbol, Side: p.Side, Type: p.Type,
		Status: arena.OrderFilled, Quantity: p.Quantity, FilledQuantity: p.Quantity, AveragePrice: price, Fees: fee,
		Fills:       []commands.Fill{{Quantity: p.Quantity, Price: price, Fee: fee, Liquidity: arena.Taker, Time: Now.Add(300 * time.Millisecond)}},
		SubmittedAt: Now, UpdatedAt: Now.Add(300 * time.Millisecond),
	}}, nil
}

func resetAccount(_ context.Context, r commands.ResetAccount) (commands.ResetAccountResult, error) {
	return commands.ResetAccountResult{Reset: &commands.ResetOutcome{AccountID: r.AccountID, Capital: arena.FixedInt(10_000),
		Epoch: 1, ClosedPositions: 1, CancelledOrders: 0, ResetAt: Now.Add(time.Second)}}, nil
}

// seedSQL builds the arena; $1 is Now. Equity moves on smooth curves with
// a dip, so drawdowns, returns and windows all have something to measure.
var seedSQL = []string{
	`INSERT INTO "Models" ("id", "name", "openRouterModelName", "variant", "provider", "kind", "createdAt", "updatedAt") VALUES
		('m-ds-guardian', 'deepseek-v3.1-terminus', 'deepseek-ai/deepseek-v3.1-terminus', 'Guardian', 'nim', 'llm', $1::timestamptz - interval '40 days', $1::timestamptz - interval '40 days'),
		('m-ds-apex', 'deepseek-v3.1-terminus', 'deepseek-ai/deepseek-v3.1-terminus', 'Apex', 'nim', 'llm', $1::timestamptz - interval '40 days', $1::timestamptz - interval '40 days'),
		('m-kimi-apex', 'kimi-k2-thinking', 'moonshotai/kimi-k2-thinking', 'Apex', 'nim', 'llm', $1::timestamptz - interval '40 days', $1::timestamptz - interval '40 days'),
		('m-base-hold', 'buy-and-hold-btc', 'baseline/buy-and-hold-btc', 'Guardian', 'baseline', 'baseline', $1::timestamptz - interval '40 days', $1::timestamptz - interval '40 days')`,
	// Ledger totals consistent with the trades below (cash = capital + realized − fees + funding).
	`INSERT INTO "Accounts" ("modelId", "initialCapital", "cash", "realizedPnl", "feesPaid", "fundingPnl", "updatedAt") VALUES
		('m-ds-guardian', 10000, 10000 + 245.5 - 3.91 - 0.42, 245.5, 3.91, -0.42, $1),
		('m-ds-apex', 10000, 10000 - 120 - 2.2 + 0.15, -120, 2.2, 0.15, $1),
		('m-kimi-apex', 10000, 10000 + 60 - 1.05, 60, 1.05, 0, $1),
		('m-base-hold', 10000, 10000 - 0.5, 0, 0.5, 0, $1)`,
	// Five weeks of equity every ten minutes.
	`INSERT INTO "PortfolioSize" ("id", "modelId", "netPortfolio", "createdAt", "updatedAt")
	 SELECT m.id || '-' || i, m.id,
	        round((10000 + m.amp * sin(i / 90.0 + m.phase) + m.trend * i - CASE WHEN i BETWEEN m.dip AND m.dip + 30 THEN m.depth ELSE 0 END)::numeric, 2),
	        $1::timestamptz - interval '35 days' + i * interval '10 minutes',
	        $1::timestamptz - interval '35 days' + i * interval '10 minutes' + interval '1 second'
	 FROM (VALUES ('m-ds-guardian', 120.0, 0.0, 0.05, 4700, 310.0), ('m-ds-apex', 300.0, 1.3, -0.02, 4900, 650.0),
	              ('m-kimi-apex', 80.0, 2.1, 0.01, 2000, 90.0), ('m-base-hold', 400.0, 0.4, 0.0, 1000, 0.0))
	      AS m(id, amp, phase, trend, dip, depth),
	      generate_series(0, 35 * 144 - 1) AS i`,
	`INSERT INTO "Orders" ("id", "modelId", "symbol", "side", "quantity", "leverage", "entryPrice", "exitPlan", "status",
	                      "exitPrice", "realizedPnl", "fees", "fundingPnl", "margin", "closeTrigger", "openedAt", "closedAt", "updatedAt") VALUES
		('t-1', 'm-ds-guardian', 'BTC', 'LONG', 0.05, 5, 93000, '{"stop": 91000, "target": 98000, "confidence": 0.65}', 'CLOSED', 97910, 245.5, 2.6, -0.42, NULL, 'TARGET',
		 $1::timestamptz - interval '2 days 3 hours', $1::timestamptz - interval '20 hours', $1::timestamptz - interval '20 hours'),
		('t-2', 'm-ds-guardian', 'ETH', 'SHORT', 0.5, 2, 3300, '{"stop": 3400, "confidence": 0.4}', 'CLOSED', 3300, 0, 1.31, 0, NULL, NULL,
		 $1::timestamptz - interval '5 hours', $1::timestamptz - interval '3 hours' + interval '2 seconds', $1::timestamptz - interval '3 hours' + interval '2 seconds'),
		('t-3', 'm-ds-apex', 'SOL', 'LONG', 20, 10, 190, '{"stop": 184, "target": 200, "invalidation": "1h close below 185", "confidence": 0.8}', 'CLOSED', 184, -120, 2.2, 0.15, NULL, 'STOP',
		 $1::timestamptz - interval '9 days', $1::timestamptz - interval '8 days 22 hours', $1::timestamptz - interval '8 days 22 hours'),
		('t-4', 'm-kimi-apex', 'BTC', 'SHORT', 0.02, NULL, 98000, NULL, 'CLOSED', 95000, 60, 1.05, 0, NULL, NULL,
		 $1::timestamptz - interval '26 hours', $1::timestamptz - interval '25 hours 59 minutes', $1::timestamptz - interval '25 hours 59 minutes'),
		('t-5', 'm-base-hold', 'BTC', 'LONG', 0.1, 1, 96000, NULL, 'CLOSED', 96000, 0, 0, 0, NULL, 'RESET',
		 $1::timestamptz - interval '30 days', $1::timestamptz - interval '29 days', $1::timestamptz - interval '29 days'),
		('p-1', 'm-ds-guardian', 'BTC', 'LONG', 0.05, 5, 95000, '{"stop": 93000, "target": 99000, "invalidation": "4h close below EMA20", "confidence": 0.72}', 'OPEN', NULL, NULL, 0.9, -0.05, 950,
		 NULL, $1::timestamptz - interval '3 hours', NULL, $1::timestamptz - interval '1 hour'),
		('p-2', 'm-kimi-apex', 'ETH', 'SHORT', 1.2, 3, 3400, '{"stop": 3500}', 'OPEN', NULL, NULL, 1.1, 0.2, NULL,
		 NULL, $1::timestamptz - interval '90 minutes', NULL, $1::timestamptz - interval '90 minutes'),
		('p-3', 'm-ds-apex', 'SOL', 'LONG', 10, 2, 180, NULL, 'OPEN', NULL, NULL, 0.5, 0, 900,
		 NULL, $1::timestamptz - interval '40 minutes', NULL, $1::timestamptz - interval '40 minutes'),
		('p-4', 'm-base-hold', 'BTC', 'LONG', 0.1, 1, 96500, NULL, 'OPEN', NULL, NULL, 0.5, 0, 9650,
		 NULL, $1::timestamptz - interval '29 days', NULL, $1::timestamptz - interval '29 days')`,
	`INSERT INTO "Invocations" ("id", "modelId", "response", "responsePayload", "status", "failureReason", "latencyMs",
	                           "inputTokens", "outputTokens", "costUsd", "createdAt", "updatedAt") VALUES
		('inv-1', 'm-ds-guardian', 'Opened BTC long; trend intact above EMA20.',
		 '{"finishReason": "holding", "stepTelemetry": [{"stepNumber": 1, "toolNames": ["createPosition"], "usage": {"inputTokens": 5100, "outputTokens": 310, "totalTokens": 5410}, "latencyMs": 2300, "attempts": 1, "timestamp": "2026-03-10T09:00:03.000Z"}]}',
		 'success', NULL, 4100, 5100, 310, 0.00612, $1::timestamptz - interval '3 hours', $1::timestamptz - interval '3 hours'),
		('inv-2', 'm-ds-guardian', 'Holding.', NULL, 'success', NULL, 1800, 4900, 40, 0.0051, $1::timestamptz - interval '2 hours 55 minutes', $1::timestamptz - interval '2 hours 55 minutes'),
		('inv-3', 'm-ds-guardian', 'Trade workflow aborted: provider timed out after 120s',
		 '{"failure": {"reason": "timeout", "message": "provider timed out after 120s"}}', 'failed', 'timeout', 120000, 5000, 0, 0.005,
		 $1::timestamptz - interval '2 hours 50 minutes', $1::timestamptz - interval '2 hours 50 minutes'),
		('inv-4', 'm-kimi-apex', 'Tried to open ETH short at 20x; refused.',
		 '{"stepTelemetry": [{"stepNumber": 1, "toolNames": ["createPosition"], "inputTokens": 6000, "outputTokens": 500, "totalTokens": 6500, "timestamp": "2026-03-10T10:30:04.000Z"}, {"stepNumber": 2, "toolNames": ["holding"], "inputTokens": 6600, "outputTokens": 20, "totalTokens": 6620, "timestamp": "2026-03-10T10:30:09.000Z"}], "totalSteps": 2}',
		 'success', NULL, 9100, 12600, 520, 0.0198, $1::timestamptz - interval '90 minutes', $1::timestamptz - interval '90 minutes'),
		('inv-5', 'm-kimi-apex', '', NULL, 'running', NULL, 0, 0, 0, 0, $1::timestamptz - interval '1 minute', $1::timestamptz - interval '1 minute'),
		('inv-6', 'm-ds-apex', 'Holding: no confluence.', NULL, 'success', NULL, 2500, 4800, 60, 0.0049, $1::timestamptz - interval '26 hours', $1::timestamptz - interval '26 hours')`,
	`INSERT INTO "ToolCalls" ("id", "invocationId", "toolCallType", "metadata", "success", "createdAt", "updatedAt") VALUES
		('tc-1', 'inv-1', 'CREATE_POSITION', '{"decisions": [{"symbol": "BTC", "side": "LONG", "quantity": 0.05, "leverage": 5, "profitTarget": 99000, "stopLoss": 93000, "confidence": 72}], "results": [{"symbol": "BTC", "success": true, "fillPrice": 95000}]}', true,
		 $1::timestamptz - interval '3 hours' + interval '3 seconds', $1::timestamptz - interval '3 hours' + interval '3 seconds'),
		('tc-5', 'inv-1', 'CLOSE_POSITION', '{"symbols": ["ETH"], "decisions": [{"symbol": "ETH", "side": "SHORT", "quantity": 0.5}], "results": [{"symbol": "ETH", "side": "SHORT", "action": "close", "success": true, "quantity": 0.5, "price": 3300}]}', true,
		 $1::timestamptz - interval '3 hours' + interval '1 second', $1::timestamptz - interval '3 hours' + interval '1 second'),
		('tc-2', 'inv-2', 'HOLDING', '{"action": "holding", "reason": "waiting for a pullback"}', true,
		 $1::timestamptz - interval '2 hours 55 minutes' + interval '2 seconds', $1::timestamptz - interval '2 hours 55 minutes' + interval '2 seconds'),
		('tc-3', 'inv-4', 'CREATE_POSITION', '{"decisions": [{"symbol": "ETH", "side": "SHORT", "quantity": 3, "leverage": 20}], "results": [{"symbol": "ETH", "success": false, "message": "leverage 20x exceeds the 10x limit", "failure": {"reason": "risk_rejected", "code": "max_leverage", "message": "leverage 20x exceeds the 10x limit"}}]}', false,
		 $1::timestamptz - interval '90 minutes' + interval '4 seconds', $1::timestamptz - interval '90 minutes' + interval '4 seconds'),
		('tc-4', 'inv-4', 'HOLDING', '{"action": "holding", "reason": "risk limit"}', true,
		 $1::timestamptz - interval '90 minutes' + interval '9 seconds', $1::timestamptz - interval '90 minutes' + interval '9 seconds')`,
}
