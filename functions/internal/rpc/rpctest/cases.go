package rpctest

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// ReferenceProcedures are the reference's procedures as the oRPC protocol
// notes list them: the golden cases and the official client test cover
// every one with a successful call.
var ReferenceProcedures = []string{
	"trading.getTrades", "trading.getPositions", "trading.getCryptoPrices", "trading.getPortfolioHistory",
	"models.getModels", "models.getInvocations",
	"simulator.placeOrder", "simulator.getAccount", "simulator.resetAccount", "simulator.getOrderBook",
	"simulator.getCompletedTrades", "simulator.getCompletedTradesFromDB",
	"analytics.getModelStats", "analytics.getLeaderboard", "analytics.getFailures", "analytics.getRunInfo",
	"variants.getVariants", "variants.getVariantStats", "variants.getVariantHistory",
}

// SeasonProcedures are the seasons' procedures (beyond the reference): the
// golden cases and the official client test cover each one as well.
var SeasonProcedures = []string{"seasons.list", "seasons.get", "seasons.getEquity", "seasons.getDecisions", "seasons.getPair"}

// Case is one request and the golden file of its answer.
type Case struct {
	Name   string // golden file name, without .json
	Method string // POST unless set
	Path   string // /api/rpc/... or /health...
	Body   string // request body; "" for none
	Admin  bool   // send the admin bearer token
	Status int    // expected HTTP status
}

// Cases are the requests every transport is tested with: each procedure
// with its default and notable inputs, and the errors the protocol
// promises (validation issues, authentication, unknown procedures).
func Cases() []Case {
	rpc := func(name, path, body string, status int) Case {
		return Case{Name: name, Path: "/api/rpc/" + path, Body: body, Status: status}
	}
	admin := func(c Case) Case { c.Admin = true; return c }
	return []Case{
		rpc("trading.getTrades", "trading/getTrades", `{"json":{}}`, 200),
		rpc("trading.getTrades.apex", "trading/getTrades", `{"json":{"variant":"Apex","limit":2}}`, 200),
		rpc("trading.getPositions", "trading/getPositions", `{"json":{}}`, 200),
		rpc("trading.getPositions.guardian", "trading/getPositions", `{"json":{"variant":"Guardian"}}`, 200),
		rpc("trading.getCryptoPrices", "trading/getCryptoPrices", `{"json":{}}`, 200),
		rpc("trading.getCryptoPrices.symbols", "trading/getCryptoPrices", `{"json":{"symbols":["btc","SOL"]}}`, 200),
		rpc("trading.getPortfolioHistory.apex", "trading/getPortfolioHistory", `{"json":{"variant":"Apex","startDate":"2026-03-09T12:00:00.000Z"}}`, 200),
		rpc("trading.getPortfolioHistory.aggregate", "trading/getPortfolioHistory", `{"json":{"startDate":"2026-03-03T12:00:00.000Z","maxPoints":200}}`, 200),
		rpc("trading.getPortfolioHistory.range", "trading/getPortfolioHistory", `{"json":{"variant":"Guardian","startDate":"2026-02-01T00:00:00Z","endDate":"2026-03-01T00:00:00Z","maxPoints":100}}`, 200),
		rpc("models.getModels", "models/getModels", "", 200),
		rpc("models.getInvocations", "models/getInvocations", `{"json":{}}`, 200),
		rpc("models.getInvocations.limit", "models/getInvocations", `{"json":{"variant":"Apex","limit":1}}`, 200),
		rpc("simulator.getAccount", "simulator/getAccount", `{"json":{"accountId":"m-ds-guardian"}}`, 200),
		admin(rpc("simulator.placeOrder", "simulator/placeOrder", `{"json":{"accountId":"m-ds-apex","symbol":"btc","quantity":0.01,"side":"buy","leverage":3,"confidence":70,"clientOrderId":"co-fixture-1"}}`, 200)),
		admin(rpc("simulator.placeOrder.limit", "simulator/placeOrder", `{"json":{"accountId":"m-kimi-apex","symbol":"ETH","quantity":0.5,"side":"short","type":"limit","price":3320.5}}`, 200)),
		admin(rpc("simulator.resetAccount", "simulator/resetAccount", `{"json":{"accountId":"m-kimi-apex"}}`, 200)),
		rpc("simulator.getOrderBook", "simulator/getOrderBook", `{"json":{"symbol":"btc"}}`, 200),
		rpc("simulator.getOrderBook.stale", "simulator/getOrderBook", `{"json":{"symbol":"ETHUSDT"}}`, 200),
		rpc("simulator.getCompletedTrades", "simulator/getCompletedTrades", `{"json":{"accountId":"m-ds-guardian"}}`, 200),
		rpc("simulator.getCompletedTrades.none", "simulator/getCompletedTrades", `{"json":{}}`, 200),
		rpc("simulator.getCompletedTradesFromDB", "simulator/getCompletedTradesFromDB", `{"json":{"modelId":"m-ds-guardian"}}`, 200),
		rpc("simulator.getCompletedTradesFromDB.limit", "simulator/getCompletedTradesFromDB", `{"json":{"modelId":"m-kimi-apex","limit":1000}}`, 200),
		rpc("simulator.getCompletedTradesFromDB.none", "simulator/getCompletedTradesFromDB", "", 200),
		rpc("analytics.getModelStats", "analytics/getModelStats", `{"json":{"mode":"overall","variant":"all"}}`, 200),
		rpc("analytics.getModelStats.advanced", "analytics/getModelStats", `{"json":{"mode":"advanced","variant":"Apex"}}`, 200),
		rpc("analytics.getLeaderboard", "analytics/getLeaderboard", `{"json":{}}`, 200),
		rpc("analytics.getLeaderboard.24h", "analytics/getLeaderboard", `{"json":{"window":"24h","sortBy":"pnlAbsolute"}}`, 200),
		rpc("analytics.getLeaderboard.30d.drawdown", "analytics/getLeaderboard", `{"json":{"window":"30d","sortBy":"maxDrawdown","variant":"Apex"}}`, 200),
		rpc("analytics.getLeaderboard.lowerBound", "analytics/getLeaderboard", `{"json":{"window":"7d","sortBy":"sharpe","rankBy":"lowerBound"}}`, 200),
		rpc("analytics.getComparison", "analytics/getComparison", `{"json":{"a":"m-kimi-apex","b":"m-ds-guardian"}}`, 200),
		rpc("analytics.getComparison.24h", "analytics/getComparison", `{"json":{"seasonId":"live","a":"m-base-hold","b":"m-ds-apex","window":"24h"}}`, 200),
		rpc("error.unknownSeason", "analytics/getComparison", `{"json":{"seasonId":"s-1999","a":"m-kimi-apex","b":"m-ds-guardian"}}`, 404),
		rpc("error.comparisonInput", "analytics/getComparison", `{"json":{"a":"m-kimi-apex","b":"m-kimi-apex","window":"1y"}}`, 400),
		rpc("analytics.getLeaderboard.season", "analytics/getLeaderboard", `{"json":{"seasonId":"s-2025-01","sortBy":"sharpe"}}`, 200),
		rpc("analytics.getComparison.season", "analytics/getComparison", `{"json":{"seasonId":"s-2025-01","a":"trader/Apex","b":"momentum/Guardian"}}`, 200),
		rpc("seasons.list", "seasons/list", "", 200),
		rpc("seasons.get", "seasons/get", `{"json":{"id":"s-2025-01"}}`, 200),
		rpc("seasons.get.ab", "seasons/get", `{"json":{"id":"s-2025-01-ab"}}`, 200),
		rpc("seasons.getEquity", "seasons/getEquity", `{"json":{"id":"s-2025-01","entrants":["momentum/Guardian"]}}`, 200),
		rpc("seasons.getDecisions", "seasons/getDecisions", `{"json":{"id":"s-2025-01","entrantId":"trader/Apex","limit":3}}`, 200),
		rpc("seasons.getPair", "seasons/getPair", `{"json":{"id":"s-2025-01-ab"}}`, 200),
		rpc("error.seasonUnknown", "seasons/get", `{"json":{"id":"s-1999"}}`, 404),
		rpc("error.seasonNoParent", "seasons/getPair", `{"json":{"id":"s-2025-01"}}`, 404),
		rpc("error.seasonIdRequired", "seasons/getDecisions", `{"json":{"limit":501}}`, 400),
		rpc("analytics.getModelStats.season", "analytics/getModelStats", `{"json":{"seasonId":"s-2025-01"}}`, 200),
		rpc("analytics.getModelStats.season.advanced", "analytics/getModelStats", `{"json":{"seasonId":"s-2025-01","mode":"advanced"}}`, 200),
		rpc("analytics.getFailures.season", "analytics/getFailures", `{"json":{"seasonId":"s-2025-01"}}`, 200),
		rpc("analytics.getRunInfo.season", "analytics/getRunInfo", `{"json":{"seasonId":"s-2025-01"}}`, 200),
		rpc("variants.getVariantStats.season", "variants/getVariantStats", `{"json":{"seasonId":"s-2025-01"}}`, 200),
		rpc("variants.getVariantHistory.season", "variants/getVariantHistory", `{"json":{"seasonId":"s-2025-01"}}`, 200),
		rpc("error.unknownSeasonStats", "analytics/getModelStats", `{"json":{"seasonId":"s-1999"}}`, 404),
		rpc("analytics.getFailures", "analytics/getFailures", `{"json":{"limit":10}}`, 200),
		rpc("analytics.getRunInfo", "analytics/getRunInfo", "", 200),
		rpc("variants.getVariants", "variants/getVariants", `{"json":{}}`, 200),
		rpc("variants.getVariantStats", "variants/getVariantStats", "", 200),
		rpc("variants.getVariantHistory", "variants/getVariantHistory", `{"json":{"window":"24h"}}`, 200),
		{Name: "get.getRunInfo", Method: "GET", Path: "/api/rpc/analytics/getRunInfo?data=%7B%22json%22%3A%7B%7D%7D", Status: 200},

		rpc("error.unknownField", "trading/getTrades", `{"json":{"limit":5,"colour":"red"}}`, 400),
		rpc("error.wrongType", "trading/getTrades", `{"json":{"limit":"five"}}`, 400),
		rpc("error.limitRange", "analytics/getFailures", `{"json":{"limit":101,"variant":"Bogus"}}`, 400),
		rpc("error.malformedEnvelope", "trading/getTrades", `{"input":{}}`, 400),
		rpc("error.notJSON", "trading/getTrades", `{"json":`, 400),
		rpc("error.badDates", "trading/getPortfolioHistory", `{"json":{"startDate":"yesterday","endDate":"2026-01-01T00:00:00Z","maxPoints":50}}`, 400),
		rpc("error.unknownProcedure", "trading/getEverything", `{"json":{}}`, 404),
		rpc("error.unauthorized", "simulator/placeOrder", `{"json":{"accountId":"m-ds-apex","symbol":"BTC","quantity":1,"side":"buy"}}`, 401),
		admin(rpc("error.placeOrderInvalid", "simulator/placeOrder", `{"json":{"symbol":"DOGE","quantity":-1,"side":"up","type":"stop","leverage":80}}`, 400)),
		admin(rpc("error.unknownAccount", "simulator/placeOrder", `{"json":{"accountId":"nobody","symbol":"BTC","quantity":1,"side":"buy"}}`, 404)),
		rpc("error.accountRequired", "simulator/getAccount", `{"json":{}}`, 400),
		rpc("error.nulInId", "simulator/getAccount", `{"json":{"accountId":"m-ds-\u0000apex"}}`, 400),
		admin(rpc("error.priceAndLimitPrice", "simulator/placeOrder", `{"json":{"accountId":"m-ds-apex","symbol":"ETH","quantity":1,"side":"sell","type":"limit","limitPrice":3300,"price":3400}}`, 400)),
		rpc("error.noOrderBook", "simulator/getOrderBook", `{"json":{"symbol":"SOL"}}`, 404),
		rpc("error.orderBookSymbol", "simulator/getOrderBook", `{"json":{"symbol":"DOGE"}}`, 400),
		rpc("error.completedTradesLimit", "simulator/getCompletedTradesFromDB", `{"json":{"modelId":"m-ds-apex","limit":0}}`, 400),

		{Name: "health", Method: "GET", Path: "/health", Status: 200},
		{Name: "health.schedulers", Method: "GET", Path: "/health/schedulers", Status: 200},
	}
}

// Golden compares got (a JSON body) with testdata/golden/name.json, which
// holds it indented: the comparison is on the exact compact bytes, so key
// order and number text are pinned. UPDATE_GOLDEN=1 rewrites the file.
func Golden(t testing.TB, name string, got []byte) {
	t.Helper()
	path := filepath.Join(Dir(), "golden", name+".json")
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, got, "", "  "); err != nil {
		t.Fatalf("%s: body is not JSON: %v\n%s", name, err, got)
	}
	pretty.WriteByte('\n')
	if os.Getenv("UPDATE_GOLDEN") == "1" {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, pretty.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%s: %v (run with UPDATE_GOLDEN=1 to create it)", name, err)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, want); err != nil {
		t.Fatalf("%s: golden file is not JSON: %v", name, err)
	}
	if !bytes.Equal(compact.Bytes(), got) {
		t.Errorf("%s: body differs from %s\n got: %s\nwant: %s", name, path, got, compact.Bytes())
	}
}

// Dir is the rpc package's testdata directory.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "testdata")
}
