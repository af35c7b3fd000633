// Package synthetic is a seeded stochastic market: a Feed of L2 books, venue
// trade prints and market statistics for BTC, ETH and SOL (or any configured
// market) that needs no network, plus the candle and funding History the
// agents read. It is the default for offline runs and for tests.
//
// The mid follows geometric Brownian motion with stochastic volatility (a
// mean-reverting log-volatility factor) and Poisson jumps; the configured
// annual volatility is the diffusive part's long-run level. Around the mid
// sits a book of Config.Depth levels a side that persists between ticks: the
// spread is one to a few ticks, level gaps and sizes grow away from the mid,
// prices and sizes respect each market's tick and lot, and every tick changes
// only some levels (quotes fading as the mid moves, resizes, cancels, refills),
// which the feed sends as deltas between periodic snapshots. Trade prints hit
// the touch at a Poisson rate and sometimes sweep the level the mid moved
// through. Funding (a fraction per hour) and open interest are slowly
// mean-reverting processes; funding takes both signs.
//
// Everything random comes from a PCG generator per symbol seeded from
// Config.Seed and the symbol, and every timestamp from Config.Start plus a
// whole number of ticks, so the same configuration yields the same stream,
// message for message (on the same platform: floating-point results may
// differ across architectures). The wall clock is read only through the
// injected Clock, to pace ticks in real time and to pick a default Start.
//
// History is synthesised backwards from the starting price when the feed is
// created (Bars5m five-minute and Bars4h four-hour bars, and more), then
// extended by aggregating the feed's own mids and trades.
package synthetic
