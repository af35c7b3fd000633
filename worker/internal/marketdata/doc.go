// Package marketdata defines how market data enters the arena: a Feed streams
// L2 book updates, venue trade prints and market statistics, in order, into a
// Sink; a History answers the agents' questions about the recent past (OHLCV
// candles, the latest funding rate, open interest and daily volume).
//
// Implementations live in subpackages named for their source:
//
//	lighter/    Lighter (zkLighter) public WebSocket and REST data, no keys
//	synthetic/  a seeded stochastic market for offline runs and tests
//	tape/       recording any feed to a JSON-lines tape and replaying it
//
// This package also holds what those share: the Message union used by tapes
// and tests, a read-side L2 Book, the candle Aggregator and the Clock that the
// deterministic feeds take instead of reading the wall clock.
package marketdata
