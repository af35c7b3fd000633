// Package rpc is the API's net/http handler: the oRPC wire protocol (the one
// the reference frontend's @orpc/client RPCLink speaks) and the procedures
// behind it. Reads come from a Store (the Postgres adapter's Reader, over the
// read models of migration 00006, handed over by functions/rpc's wiring; its
// answers are arena types and its failures carry arena codes) and from the
// latest marks and venue order books in Redis; writes become
// commands the worker executes (shared/commands), and the API waits for
// their results.
//
// Wire format (see orpc-protocol.md): POST /api/rpc/{namespace}/{procedure}
// with body {"json": input, "meta": [...]}; a success is {"json": output,
// "meta": [[1, "path", 0, "field"], ...]} where each meta entry marks a Date
// by its path; an error is {"json": {"defined": false, "code", "status",
// "message", "data"}, "meta": []} with an HTTP status to match. Inputs are
// decoded strictly: unknown fields, wrong types and out-of-range values are
// BAD_REQUEST with data.issues listing each problem and its path.
//
// Procedures: trading.{getTrades, getPositions, getCryptoPrices,
// getPortfolioHistory}, models.{getModels, getInvocations},
// simulator.{placeOrder, getAccount, resetAccount, getOrderBook,
// getCompletedTrades, getCompletedTradesFromDB}, analytics.{getModelStats,
// getLeaderboard, getFailures, getRunInfo, getComparison},
// seasons.{list, get, getEquity, getDecisions, getPair}, variants.{getVariants,
// getVariantStats, getVariantHistory}, live.kill (admin). getLeaderboard and getComparison
// take a seasonId (default "live"): an imported season is read from its
// own tables. Shapes follow the reference field for
// field; fields it lacked are added after its own. models.getInvocations is
// paged (25 by default, 100 at most, nextCursor) and everything a model
// produced is returned bounded (responses and tool call metadata cut to
// 16 KiB, payloads over 64 KiB left out, each marked with its stored size).
//
// Around them (NewHandler): exact-origin CORS, a token bucket per client
// address, bearer-token authentication of the mutating procedures, and the
// health endpoints (/health, /api/health, /health/schedulers) that judge
// the scheduler health the worker reports.
package rpc
