// Package tape records any market-data feed to a tape and replays it.
//
// A tape is JSON lines. The first line is a header; candle lines (history
// for the agents, if the recorder was given a History) may follow; then one
// line per feed message in delivery order:
//
//	{"type":"header","data":{"version":1,"source":"lighter","markets":[…]}}
//	{"type":"candles","data":{"symbol":"BTC","resolution":"5m0s","bars":[…]}}
//	{"type":"book","data":{…arena.BookUpdate…}}
//	{"type":"trade","data":{…arena.TradePrint…}}
//	{"type":"stats","data":{…arena.MarketStats…}}
//
// Payloads are the arena types' own JSON, so decimals stay exact. Replay is
// deterministic: it delivers the messages in tape order, either as fast as
// the sink takes them or paced by their timestamps on an injected clock.
package tape
