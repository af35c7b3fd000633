// Package lighter is the market-data adapter for Lighter (zkLighter): its
// public WebSocket stream and REST API, which need no keys.
//
// Feed.Run keeps one WebSocket connection subscribed to order_book/{id},
// trade/{id} and market_stats/{id} of every configured market (ids resolved
// by symbol from orderBookDetails at start-up) and turns the messages into
// arena values:
//
//   - Books: the subscription's first message is a full snapshot; updates
//     carry changed levels with absolute sizes (size 0 deletes). An update
//     whose begin_nonce differs from the last nonce applied is a gap: the
//     book is resubscribed and its deltas are dropped until the fresh
//     snapshot, which is delivered as a snapshot. BookUpdate.Seq is the nonce.
//   - Trades: only "trade" and "liquidation" prints (deleverages and market
//     settlements do not cross the book). is_maker_ask means the resting
//     order was the ask, so the taker bought. The history that a
//     subscription replays is not delivered on the first connection; after
//     a reconnect, the trades missed meanwhile are.
//   - Stats: Lighter quotes funding rates in percent per hour (the docs'
//     example "0.0057" would otherwise be 0.57% an hour, beyond the venue's
//     clamp); arena wants a fraction per hour, so rates are divided by 100.
//     current_funding_rate (this hour's running estimate, what the next
//     hourly settlement will charge) is preferred to funding_rate (the last
//     settled). Open interest is in base units; daily volume is the quote
//     (USD) volume.
//
// The connection sends a ping message every PingInterval and answers the
// venue's pings; when nothing arrives for ReadTimeout, when a resubscribed
// book gets no snapshot within ResyncTimeout, or when the connection drops,
// it reconnects with exponential backoff and jitter, and every book starts
// again from a snapshot.
//
// History comes from REST, rate-limited to RequestsPerMinute: candles from
// /api/v1/candles (times in ms; up to 500 bars), cached for CandleTTL and
// extended in between by the streamed trades (deduplicated against the bars
// by trade id); stats from the stream, or from orderBookDetails plus
// /api/v1/fundings when the stream has none. /fundings rates are taken as
// fractions per hour with "direction" naming the side that pays (a source
// comparing them with the stream says so; Lighter does not document it).
package lighter
