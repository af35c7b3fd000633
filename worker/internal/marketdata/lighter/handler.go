package lighter

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/marketdata"
)

// Stream message types (inbound "type" values; channels use a colon).
const (
	msgConnected       = "connected"
	msgPing            = "ping"
	msgPong            = "pong"
	msgBookSnapshot    = "subscribed/order_book"
	msgBookUpdate      = "update/order_book"
	msgTradeSubscribed = "subscribed/trade"
	msgTradeUpdate     = "update/trade"
	msgStatsSubscribed = "subscribed/market_stats"
	msgStatsUpdate     = "update/market_stats"
	msgError           = "error"
)

// errResync reports a book that did not get its snapshot in time.
var errResync = errors.New("book resubscription timed out")

// sinkError marks a failure of the sink, which stops the feed instead of
// causing a reconnect.
type sinkError struct{ err error }

func (e sinkError) Error() string { return "deliver: " + e.err.Error() }
func (e sinkError) Unwrap() error { return e.err }

// bookSync tracks one market's order-book continuity on one connection.
type bookSync struct {
	synced  bool      // a snapshot arrived and every update since chained on
	nonce   int64     // nonce of the last message applied
	pending time.Time // when the snapshot was (re)requested, while !synced
}

// handler turns one connection's messages into sink calls. It is used by a
// single goroutine.
type handler struct {
	byID     map[int64]arena.Market
	books    map[int64]*bookSync
	trades   map[int64]int64 // last trade id seen per market; outlives connections
	resume   bool            // a reconnect: trades missed while away are delivered
	send     func(ctx context.Context, v any) error
	hist     *history
	log      *slog.Logger
	now      func() time.Time
	resyncIn time.Duration

	msg     wsMessage
	healthy bool // a snapshot arrived on this connection
}

type outbound struct {
	Type    string `json:"type"`
	Channel string `json:"channel,omitempty"`
}

// channels returns the subscriptions of a market.
func channels(id int64) []string {
	s := strconv.FormatInt(id, 10)
	return []string{"order_book/" + s, "trade/" + s, "market_stats/" + s}
}

// subscribeAll subscribes to every market's channels.
func (h *handler) subscribeAll(ctx context.Context) error {
	for id := range h.byID {
		h.books[id] = &bookSync{pending: h.now()}
		for _, ch := range channels(id) {
			if err := h.send(ctx, outbound{Type: "subscribe", Channel: ch}); err != nil {
				return fmt.Errorf("subscribe %s: %w", ch, err)
			}
		}
	}
	return nil
}

// handle processes one message. It returns a sinkError when the sink fails
// and other errors when the connection should be replaced.
func (h *handler) handle(ctx context.Context, raw []byte, sink marketdata.Sink) error {
	m := &h.msg
	m.reset()
	if err := json.Unmarshal(raw, m); err != nil {
		// A malformed order-book message breaks the nonce chain, which the
		// next update detects; anything else is simply lost.
		h.log.Warn("lighter: undecodable stream message", "err", err, "size", len(raw))
		return nil
	}
	var err error
	switch m.Type {
	case msgConnected, msgPong:
	case msgPing:
		err = h.send(ctx, outbound{Type: msgPong})
	case msgBookSnapshot, msgBookUpdate:
		err = h.onBook(ctx, sink, m.Type == msgBookSnapshot)
	case msgTradeSubscribed, msgTradeUpdate:
		err = h.onTrades(ctx, sink, m.Type == msgTradeSubscribed)
	case msgStatsSubscribed, msgStatsUpdate:
		err = h.onStats(ctx, sink)
	default:
		if m.Error != nil || m.Type == msgError {
			h.log.Warn("lighter: stream error", "code", errCode(m.Error), "message", errMessage(m.Error), "channel", m.Channel)
		}
	}
	if err != nil {
		return err
	}
	return h.checkResync()
}

func (h *handler) market(channel string) (int64, arena.Market, bool) {
	_, idText, ok := strings.Cut(channel, ":")
	if !ok {
		_, idText, ok = strings.Cut(channel, "/")
	}
	id, err := strconv.ParseInt(idText, 10, 64)
	if !ok || err != nil {
		return 0, arena.Market{}, false
	}
	mk, ok := h.byID[id]
	return id, mk, ok
}

func (h *handler) onBook(ctx context.Context, sink marketdata.Sink, snapshot bool) error {
	id, mk, ok := h.market(h.msg.Channel)
	if !ok {
		return nil
	}
	st := h.books[id]
	ob := &h.msg.OrderBook
	if !snapshot {
		if !st.synced {
			return nil // stale updates between a gap and the fresh snapshot
		}
		if ob.BeginNonce != st.nonce {
			h.log.Warn("lighter: order book gap; resubscribing", "symbol", mk.Symbol, "have", st.nonce, "begin", ob.BeginNonce)
			return h.resubscribe(ctx, id)
		}
	}
	st.synced, st.nonce = true, ob.Nonce
	h.healthy = h.healthy || snapshot
	u := bookUpdate(mk.Symbol, &h.msg, snapshot)
	if !snapshot && len(u.Bids)+len(u.Asks) == 0 {
		return nil
	}
	if err := sink.OnBook(ctx, u); err != nil {
		return sinkError{err}
	}
	return nil
}

// resubscribe asks for a fresh snapshot of one market's book.
func (h *handler) resubscribe(ctx context.Context, id int64) error {
	st := h.books[id]
	st.synced, st.pending = false, h.now()
	ch := channels(id)[0]
	if err := h.send(ctx, outbound{Type: "unsubscribe", Channel: ch}); err != nil {
		return fmt.Errorf("unsubscribe %s: %w", ch, err)
	}
	if err := h.send(ctx, outbound{Type: "subscribe", Channel: ch}); err != nil {
		return fmt.Errorf("resubscribe %s: %w", ch, err)
	}
	return nil
}

// checkResync fails the connection when a book has waited too long for its
// snapshot.
func (h *handler) checkResync() error {
	for id, st := range h.books {
		if !st.synced && h.now().Sub(st.pending) > h.resyncIn {
			return fmt.Errorf("%s: %w", h.byID[id].Symbol, errResync)
		}
	}
	return nil
}

// onTrades delivers new trade prints. The subscription's first message
// lists recent history: on the first connection it only sets the
// watermark; after a reconnect the trades missed meanwhile are delivered.
// Deleverages and market settlements are not book trades and are skipped.
func (h *handler) onTrades(ctx context.Context, sink marketdata.Sink, subscribed bool) error {
	id, mk, ok := h.market(h.msg.Channel)
	if !ok {
		return nil
	}
	mark, seen := h.trades[id]
	deliver := !subscribed || (h.resume && seen)
	ts := h.msg.Trades
	slices.SortStableFunc(ts, func(a, b wsTrade) int { return cmp.Compare(a.TradeID, b.TradeID) })
	for _, tr := range ts {
		if seen && tr.TradeID <= mark {
			continue
		}
		mark, seen = tr.TradeID, true
		if !deliver || (tr.Type != "" && tr.Type != "trade" && tr.Type != "liquidation") {
			continue
		}
		p := arena.TradePrint{Symbol: mk.Symbol, Time: tradeTime(tr, h.msg.Timestamp), Price: arena.Fixed(tr.Price), Size: arena.Fixed(tr.Size), TakerBuy: tr.IsMakerAsk}
		h.hist.observeTrade(p, tr.TradeID)
		if err := sink.OnTrade(ctx, p); err != nil {
			return sinkError{err}
		}
	}
	if seen {
		h.trades[id] = mark
	}
	return nil
}

// onStats delivers market stats. Lighter's funding rates are percent per
// hour; arena's are fractions per hour, so they are divided by 100. The
// current (estimated) rate is preferred to the last settled one.
func (h *handler) onStats(ctx context.Context, sink marketdata.Sink) error {
	st := &h.msg.MarketStats
	_, mk, ok := h.market(h.msg.Channel)
	if !ok {
		if mk, ok = h.byID[st.MarketID]; !ok {
			return nil
		}
	}
	t := epoch(h.msg.Timestamp)
	if t.IsZero() {
		t = h.now().UTC()
	}
	rate := st.FundingRate
	if st.CurrentFundingRate != nil {
		rate = *st.CurrentFundingRate
	}
	s := arena.MarketStats{
		Symbol: mk.Symbol, Time: t,
		MarkPrice: st.MarkPrice.fixed(), IndexPrice: st.IndexPrice.fixed(),
		FundingRate:  (rate / 100).fixed(),
		OpenInterest: st.OpenInterest.fixed(),
		DailyVolume:  st.DailyQuoteVolume.fixed(), DailyChange: st.DailyPriceChange.fixed(),
	}
	h.hist.observeStats(s)
	if err := sink.OnStats(ctx, s); err != nil {
		return sinkError{err}
	}
	return nil
}
