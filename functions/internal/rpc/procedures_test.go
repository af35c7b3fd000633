package rpc_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/autonome-go/autonome/functions/internal/rpc"
	"github.com/autonome-go/autonome/functions/internal/rpc/rpctest"
	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/commands"
	"github.com/autonome-go/autonome/shared/commands/commandstest"
	"github.com/autonome-go/autonome/shared/redis"
)

func admin() map[string]string {
	return map[string]string{"Authorization": "Bearer " + rpctest.AdminToken}
}

// A client retrying placeOrder with its clientOrderId gets the first
// answer back; the worker executes the order once.
func TestPlaceOrderRetryIsIdempotent(t *testing.T) {
	env := rpctest.Seed(t)
	var executed atomic.Int32
	queue := commandstest.Queue(env.Prefix)
	commandstest.Worker(t, env.Redis, queue, commandstest.Handlers{PlaceOrder: func(_ context.Context, p commands.PlaceOrder) (commands.PlaceOrderResult, error) {
		executed.Add(1)
		return commands.PlaceOrderResult{Order: &commands.OrderResult{ClientOrderID: p.ClientOrderID, AccountID: p.AccountID,
			Symbol: p.Symbol, Side: p.Side, Type: p.Type, Status: arena.OrderRejected, Quantity: p.Quantity,
			Reason: "insufficient margin", SubmittedAt: rpctest.Now, UpdatedAt: rpctest.Now}}, nil
	}})
	deps := env.Deps
	deps.Commands = commands.NewClient(env.Redis, queue)
	h := rpc.NewHandler(deps, env.Options())
	body := `{"json":{"accountId":"m-ds-apex","symbol":"SOL","quantity":1000,"side":"long","clientOrderId":"retry-1"}}`
	r1, b1 := do(t, h, "POST", "/api/rpc/simulator/placeOrder", body, admin())
	r2, b2 := do(t, h, "POST", "/api/rpc/simulator/placeOrder", body, admin())
	if r1.StatusCode != 200 || r2.StatusCode != 200 || string(b1) != string(b2) {
		t.Fatalf("answers differ:\n%d %s\n%d %s", r1.StatusCode, b1, r2.StatusCode, b2)
	}
	var out struct {
		JSON rpc.PlaceOrderOutput `json:"json"`
	}
	if err := json.Unmarshal(b1, &out); err != nil || out.JSON.Order.Status != "rejected" || out.JSON.Order.Reason != "insufficient margin" {
		t.Fatalf("rejected order reported as %s (%v)", b1, err)
	}
	if n := executed.Load(); n != 1 {
		t.Fatalf("executed %d times", n)
	}
	// The same id for another order is a conflict, not a second order.
	r3, b3 := do(t, h, "POST", "/api/rpc/simulator/placeOrder", `{"json":{"accountId":"m-ds-apex","symbol":"SOL","quantity":1,"side":"long","clientOrderId":"retry-1"}}`, admin())
	if r3.StatusCode != 409 || code(t, b3) != "CONFLICT" || executed.Load() != 1 {
		t.Fatalf("reused id: %d %s", r3.StatusCode, b3)
	}
}

// Without a worker, a command answers TIMEOUT after COMMAND_TIMEOUT.
func TestCommandTimeout(t *testing.T) {
	env := rpctest.Seed(t)
	deps := env.Deps
	deps.Commands = commands.NewClient(env.Redis, commandstest.Queue(env.Prefix)) // nobody serves it
	o := env.Options()
	o.CommandTimeout = 300 * time.Millisecond
	h := rpc.NewHandler(deps, o)
	start := time.Now()
	resp, body := do(t, h, "POST", "/api/rpc/simulator/resetAccount", `{"json":{"accountId":"m-kimi-apex"}}`, admin())
	if resp.StatusCode != 408 || code(t, body) != "TIMEOUT" {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	if d := time.Since(start); d < 300*time.Millisecond || d > 30*time.Second { // at the timeout, not never (generous for a loaded machine)
		t.Fatalf("answered after %s", d)
	}
}

func TestHealthDegraded(t *testing.T) {
	env := rpctest.Seed(t)
	check := func(name string, src rpc.HealthSource, wantStatus int, wantTrade, wantPortfolio bool) {
		t.Helper()
		deps := env.Deps
		deps.Health = src
		h := rpc.NewHandler(deps, env.Options())
		for _, path := range []string{"/health", "/api/health", "/health/schedulers"} {
			resp, body := do(t, h, "GET", path, "", nil)
			var b struct {
				Status     string `json:"status"`
				Schedulers struct {
					Trade, Portfolio struct{ Healthy bool }
				}
			}
			if err := json.Unmarshal(body, &b); err != nil {
				t.Fatalf("%s %s: %v %s", name, path, err, body)
			}
			if resp.StatusCode != wantStatus || b.Schedulers.Trade.Healthy != wantTrade || b.Schedulers.Portfolio.Healthy != wantPortfolio {
				t.Errorf("%s %s: %d %s", name, path, resp.StatusCode, body)
			}
		}
	}
	check("reported", env.Deps.Health, 200, true, true)
	check("never reported", redis.NewHealth(env.Redis, env.Prefix+"other:"), 503, false, false)
	stale := redis.NewHealth(env.Redis, env.Prefix+"stale:")
	if err := stale.Write(t.Context(), redis.SchedulerHealth{WorkerStartedAt: rpctest.Now.Add(-48 * time.Hour),
		Trade:     redis.TradeHealth{LastRun: rpctest.Now.Add(-2 * time.Minute), LastSuccess: rpctest.Now.Add(-16 * time.Minute)},
		Portfolio: redis.PortfolioHealth{LastRun: rpctest.Now.Add(-30 * time.Second)},
		Feed:      redis.FeedHealth{LastUpdate: rpctest.Now}}); err != nil {
		t.Fatal(err)
	}
	check("no recent success", stale, 503, false, true)
	// A live seat halted by reconciliation degrades the API's /health too.
	good, _, err := env.Deps.Health.Read(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	good.Live = []redis.LiveHealth{{Model: "trader/Apex", State: "killed", Healthy: true, Reason: "kill switch on"}}
	killed := redis.NewHealth(env.Redis, env.Prefix+"killed:")
	if err := killed.Write(t.Context(), good); err != nil {
		t.Fatal(err)
	}
	check("live seat killed", killed, 200, true, true)
	good.Live = append(good.Live, redis.LiveHealth{Model: "trader/Bold", State: "halted", Reason: "BTC position: venue 0.009, ours 0.002"})
	halted := redis.NewHealth(env.Redis, env.Prefix+"halted:")
	if err := halted.Write(t.Context(), good); err != nil {
		t.Fatal(err)
	}
	check("live seat halted", halted, 503, true, true)
	if _, body := do(t, rpc.NewHandler(env.Deps, env.Options()), "GET", "/health", "", nil); strings.Contains(string(body), `"live":`) {
		t.Fatalf("health without live seats mentions them: %s", body)
	}
}

// Whatever a client sends, the answer is never a server error.
func TestArbitraryInputNeverServerError(t *testing.T) {
	env := rpctest.Seed(t)
	h := rpc.NewHandler(env.Deps, env.Options())
	rng := rand.New(rand.NewPCG(1, 2))
	values := []string{`null`, `true`, `-1`, `0`, `1e308`, `-1e-9`, `1.000000001`, `9999999999999999999999`, `""`, `"all"`,
		`"Apex"`, `"2026-03-01T00:00:00Z"`, `"x"`, `[]`, `[1,"a"]`, `{}`, `{"a":{"b":[]}}`, `"24h"`, `"advanced"`, `"limit"`, `"m-ds-apex"`, `"BTC"`, `"sol"`, `"s-2025-01"`, `"s-2025-01-ab"`, `"trader/Apex"`, `["trader/Apex"]`}
	keys := []string{"variant", "limit", "symbols", "startDate", "endDate", "maxPoints", "mode", "window", "sortBy",
		"accountId", "modelId", "symbol", "quantity", "side", "type", "limitPrice", "price", "leverage", "confidence", "clientOrderId", "bogus",
		"id", "seasonId", "entrantId", "entrants", "a", "b", "model", "reason"}
	paths := []string{"trading/getTrades", "trading/getPositions", "trading/getCryptoPrices", "trading/getPortfolioHistory",
		"models/getModels", "models/getInvocations", "simulator/placeOrder", "simulator/getAccount", "simulator/resetAccount",
		"simulator/getOrderBook", "simulator/getCompletedTrades", "simulator/getCompletedTradesFromDB",
		"analytics/getModelStats", "analytics/getLeaderboard", "analytics/getFailures", "analytics/getRunInfo",
		"variants/getVariants", "variants/getVariantStats", "variants/getVariantHistory",
		"seasons/list", "seasons/get", "seasons/getEquity", "seasons/getDecisions", "seasons/getPair", "analytics/getComparison", "live/kill"}
	bodies := []string{"", "{", "[]", `{"json":1}`, `{"json":[]}`, `{"json":{},"meta":[[0,"x"]]}`, `{"json":{},"meta":"x"}`, `{"json":{}} {}`}
	for i := 0; i < 600; i++ {
		path := paths[rng.IntN(len(paths))]
		var body string
		if i < len(bodies)*len(paths) && i%3 == 0 {
			body = bodies[rng.IntN(len(bodies))]
		} else {
			in := map[string]json.RawMessage{}
			for range rng.IntN(4) {
				in[keys[rng.IntN(len(keys))]] = json.RawMessage(values[rng.IntN(len(values))])
			}
			b, _ := json.Marshal(map[string]any{"json": in})
			body = string(b)
		}
		resp, out := do(t, h, "POST", "/api/rpc/"+path, body, admin())
		if resp.StatusCode >= 500 {
			t.Fatalf("%s %s: %d %s", path, body, resp.StatusCode, out)
		}
	}
}

// The leaderboard's windows agree with a direct computation over the raw
// snapshots in each window; immature entrants rank after mature ones.
func TestLeaderboardMatchesRawSnapshots(t *testing.T) {
	env := rpctest.Seed(t)
	h := rpc.NewHandler(env.Deps, env.Options())
	for _, w := range []struct {
		name string
		span time.Duration
	}{{"24h", 24 * time.Hour}, {"7d", 7 * 24 * time.Hour}, {"30d", 30 * 24 * time.Hour}} {
		resp, body := do(t, h, "POST", "/api/rpc/analytics/getLeaderboard", fmt.Sprintf(`{"json":{"window":%q}}`, w.name), nil)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", w.name, resp.StatusCode, body)
		}
		var out struct {
			JSON rpc.LeaderboardOutput `json:"json"`
		}
		if err := json.Unmarshal(body, &out); err != nil {
			t.Fatal(err)
		}
		for _, e := range out.JSON.Entries {
			rows, err := env.Pool.Query(t.Context(), `SELECT ("netPortfolio"*100)::int8 FROM "PortfolioSize"
				WHERE "modelId" = $1 AND "createdAt" >= $2 ORDER BY "createdAt", "id"`, e.ModelID, rpctest.Now.Add(-w.span))
			if err != nil {
				t.Fatal(err)
			}
			var vals []int64
			for rows.Next() {
				var v int64
				_ = rows.Scan(&v)
				vals = append(vals, v)
			}
			rows.Close()
			first, last, peak, dd := vals[0], vals[len(vals)-1], vals[0], 0.0
			for _, v := range vals {
				peak = max(peak, v)
				dd = max(dd, float64(peak-v)/float64(peak))
			}
			if e.StartValue != arena.Fixed(first*1e6) || e.EndValue != arena.Fixed(last*1e6) ||
				math.Abs(e.MaxDrawdown-100*dd) > 1e-4 || math.Abs(e.PnlPercent-100*float64(last-first)/float64(first)) > 1e-4 {
				t.Errorf("%s %s: got start %s end %s dd %v pnl%% %v; raw start %d end %d dd %v", w.name, e.ModelID,
					e.StartValue, e.EndValue, e.MaxDrawdown, e.PnlPercent, first, last, 100*dd)
			}
		}
		for i := 1; i < len(out.JSON.Entries); i++ {
			x, y := out.JSON.Entries[i-1], out.JSON.Entries[i]
			if x.Immature && !y.Immature || x.Immature == y.Immature && x.PnlPercent < y.PnlPercent {
				t.Errorf("%s: not sorted by maturity, then pnlPercent", w.name)
			}
		}
	}
}

// getPositions values each position at the live mark: unrealized PnL is
// (mark − entry) × quantity, mirrored for shorts, and never stored.
func TestPositionsAtLiveMarks(t *testing.T) {
	env := rpctest.Seed(t)
	h := rpc.NewHandler(env.Deps, env.Options())
	value := func() rpc.AccountPositions {
		_, body := do(t, h, "POST", "/api/rpc/trading/getPositions", `{"json":{"variant":"Apex"}}`, nil)
		var out struct {
			JSON rpc.PositionsOutput `json:"json"`
		}
		if err := json.Unmarshal(body, &out); err != nil {
			t.Fatal(err)
		}
		for _, a := range out.JSON.Positions {
			if a.ModelID == rpctest.KimiApex {
				return a
			}
		}
		t.Fatal("kimi account missing")
		return rpc.AccountPositions{}
	}
	a := value()
	if got, want := *a.Positions[0].UnrealizedPnl, arena.MustFixed("105.3"); got != want { // short 1.2 ETH from 3400 to 3312.25
		t.Fatalf("unrealized %s, want %s", got, want)
	}
	if err := redis.NewMarks(env.Redis, env.Prefix).Set(t.Context(), []arena.Price{{Symbol: "ETH", Price: arena.MustFixed("3500"), Time: rpctest.Now}}); err != nil {
		t.Fatal(err)
	}
	a = value()
	if got, want := *a.Positions[0].UnrealizedPnl, arena.MustFixed("-120"); got != want {
		t.Fatalf("after the mark moved: unrealized %s, want %s", got, want)
	}
	if *a.Equity != *a.Cash+a.TotalUnrealizedPnl || *a.AvailableCash != *a.Equity-a.UsedMargin {
		t.Fatalf("equity %s cash %s upnl %s available %s margin %s", *a.Equity, *a.Cash, a.TotalUnrealizedPnl, *a.AvailableCash, a.UsedMargin)
	}
}

// live.kill is an admin procedure: the worker turns the named live model's
// kill switch on (or every live model's) and says which; a model that does
// not trade live is NOT_FOUND, a malformed one a BAD_REQUEST.
func TestLiveKill(t *testing.T) {
	env := rpctest.Seed(t)
	h := rpc.NewHandler(env.Deps, env.Options())
	if resp, body := do(t, h, "POST", "/api/rpc/live/kill", `{"json":{}}`, nil); resp.StatusCode != 401 {
		t.Fatalf("without the admin token: %d %s", resp.StatusCode, body)
	}
	resp, body := do(t, h, "POST", "/api/rpc/live/kill", `{"json":{"model":"`+rpctest.LiveSeat+`","reason":"drawdown"}}`, admin())
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"success":true`) || !strings.Contains(string(body), rpctest.LiveSeat) {
		t.Fatalf("kill: %d %s", resp.StatusCode, body)
	}
	if resp, body := do(t, h, "POST", "/api/rpc/live/kill", `{"json":{"model":"gpt-5/apex"}}`, admin()); resp.StatusCode != 404 || code(t, body) != "NOT_FOUND" {
		t.Fatalf("a model that does not trade live: %d %s", resp.StatusCode, body)
	}
	if resp, body := do(t, h, "POST", "/api/rpc/live/kill", `{"json":{"model":"apex"}}`, admin()); resp.StatusCode != 400 {
		t.Fatalf("a malformed model: %d %s", resp.StatusCode, body)
	}
}
