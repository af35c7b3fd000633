package lighter

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/marketdata"
)

// startStream runs a BTC feed against fake REST and stream venues and
// returns the first connection, subscribed.
func startStream(t *testing.T, tweak func(*Config)) (*wsVenue, *venueConn, chanSink, *running) {
	t.Helper()
	_, rest := newRESTVenue(t)
	ws, url := newWSVenue(t)
	cfg := testConfig(rest.URL, url)
	if tweak != nil {
		tweak(&cfg)
	}
	sink := make(chanSink, 64)
	r := runFeed(t, newTestFeed(t, cfg), sink.sink())
	c := ws.accept()
	c.expectSubscriptions("1")
	return ws, c, sink, r
}

var snapshot1 = arena.BookUpdate{
	Symbol: "BTC", Time: time.UnixMilli(1778239261001).UTC(), Seq: 4037957000, Snapshot: true,
	Bids: []arena.Level{{Price: fx("97087.9"), Size: fx("0.7501")}, {Price: fx("97087"), Size: fx("2")}, {Price: fx("97080.3"), Size: fx("0.33333")}},
	Asks: []arena.Level{{Price: fx("97088"), Size: fx("0.05")}, {Price: fx("97090.1"), Size: fx("0.412")}, {Price: fx("97090.5"), Size: fx("1.2")}},
}

func expectBook(t *testing.T, s chanSink, want arena.BookUpdate) {
	t.Helper()
	m := s.next(t)
	if m.Kind != marketdata.KindBook {
		t.Fatalf("got %s %+v, want a book", m.Kind, m)
	}
	if diff := cmp.Diff(want, m.Book); diff != "" {
		t.Fatalf("book (-want +got):\n%s", diff)
	}
}

func TestStreamBookSnapshotAndDeltas(t *testing.T) {
	_, c, sink, _ := startStream(t, nil)
	c.send("ws/connected.json")
	c.send("ws/order_book_snapshot.json")
	expectBook(t, sink, snapshot1)
	c.send("ws/order_book_update.json")
	expectBook(t, sink, arena.BookUpdate{
		Symbol: "BTC", Time: time.UnixMilli(1778239261051).UTC(), Seq: 4037957053,
		Bids: []arena.Level{{Price: fx("97087.9"), Size: fx("0.51")}},
		Asks: []arena.Level{{Price: fx("97088"), Size: 0}, {Price: fx("97089.2"), Size: fx("0.25")}},
	})
	// The deltas apply cleanly to a book built from the snapshot.
	b := marketdata.NewBook("BTC")
	must(t, b.Apply(snapshot1))
	must(t, b.Apply(arena.BookUpdate{Symbol: "BTC", Asks: []arena.Level{{Price: fx("97088")}, {Price: fx("97089.2"), Size: fx("0.25")}}}))
	if ask, _ := b.BestAsk(); ask.Price != fx("97089.2") {
		t.Errorf("best ask %v", ask)
	}
}

// TestStreamNonceGapResubscribes: an update whose begin_nonce does not chain
// on the last nonce makes the client resubscribe the book, drop deltas until
// the fresh snapshot, and deliver that snapshot as a snapshot.
func TestStreamNonceGapResubscribes(t *testing.T) {
	_, c, sink, _ := startStream(t, nil)
	c.send("ws/order_book_snapshot.json")
	expectBook(t, sink, snapshot1)
	c.send("ws/order_book_update.json")
	if m := sink.next(t); m.Book.Seq != 4037957053 {
		t.Fatalf("first delta %+v", m)
	}
	c.send("ws/order_book_gap.json") // begins at …101, the book is at …053
	c.expect("unsubscribe", "order_book/1")
	c.expect("subscribe", "order_book/1")
	c.send("ws/order_book_update.json") // a late update of the old subscription
	sink.none(t)
	c.send("ws/order_book_snapshot_2.json")
	expectBook(t, sink, arena.BookUpdate{
		Symbol: "BTC", Time: time.UnixMilli(1778239262000).UTC(), Seq: 4037957300, Snapshot: true,
		Bids: []arena.Level{{Price: fx("97089.9"), Size: fx("0.2")}, {Price: fx("97087"), Size: fx("1.5")}},
		Asks: []arena.Level{{Price: fx("97091"), Size: fx("3")}, {Price: fx("97092"), Size: fx("0.9")}},
	})
	c.send("ws/order_book_update_2.json") // chains on the new snapshot
	expectBook(t, sink, arena.BookUpdate{
		Symbol: "BTC", Time: time.UnixMilli(1778239262050).UTC(), Seq: 4037957311,
		Bids: []arena.Level{{Price: fx("97089.9"), Size: fx("0.4")}}, Asks: []arena.Level{},
	})
}

// TestStreamReconnectsAfterDrop: when the venue drops the connection the
// client reconnects, subscribes again, starts the book from a snapshot and
// delivers the trades it missed.
func TestStreamReconnectsAfterDrop(t *testing.T) {
	ws, c, sink, _ := startStream(t, nil)
	c.send("ws/trade_subscribed.json") // history up to trade 9000200: not delivered
	c.send("ws/order_book_snapshot.json")
	expectBook(t, sink, snapshot1)
	c.drop()

	c2 := ws.accept()
	c2.expectSubscriptions("1")
	c2.send("ws/order_book_update.json") // no snapshot on this connection yet
	sink.none(t)
	c2.send("ws/order_book_snapshot.json")
	expectBook(t, sink, snapshot1)
	c2.send("ws/order_book_update.json")
	if m := sink.next(t); m.Kind != marketdata.KindBook || m.Book.Snapshot || m.Book.Seq != 4037957053 {
		t.Fatalf("delta after reconnect %+v", m)
	}
	// The new subscription's history holds trades 9000201..9000204, missed
	// while disconnected: delivered (book trades only), in id order.
	c2.sendRaw([]byte(strings.Replace(string(fixture(t, "ws/trade_update.json")), "update/trade", "subscribed/trade", 1)))
	for _, want := range []string{"97087.9", "97090.1", "97085"} {
		if m := sink.next(t); m.Kind != marketdata.KindTrade || m.Trade.Price != fx(want) {
			t.Fatalf("missed trade %+v, want price %s", m, want)
		}
	}
}

func TestStreamReconnectsWhenSilent(t *testing.T) {
	ws, c, sink, _ := startStream(t, func(cfg *Config) { cfg.ReadTimeout = 200 * time.Millisecond })
	c.send("ws/order_book_snapshot.json")
	expectBook(t, sink, snapshot1)
	// The venue says nothing more: the client gives up on the connection.
	c2 := ws.accept()
	c2.expectSubscriptions("1")
	c2.send("ws/order_book_snapshot_2.json")
	if m := sink.next(t); !m.Book.Snapshot || m.Book.Seq != 4037957300 {
		t.Fatalf("after reconnect %+v", m)
	}
}

func TestStreamReconnectsWhenResyncStalls(t *testing.T) {
	ws, c, sink, _ := startStream(t, func(cfg *Config) { cfg.ResyncTimeout = 100 * time.Millisecond })
	c.send("ws/order_book_snapshot.json")
	expectBook(t, sink, snapshot1)
	c.send("ws/order_book_gap.json")
	c.expect("unsubscribe", "order_book/1")
	c.expect("subscribe", "order_book/1")
	time.Sleep(150 * time.Millisecond)
	c.send("ws/connected.json") // any message makes the client notice
	ws.accept().expectSubscriptions("1")
}

func TestStreamKeepalive(t *testing.T) {
	_, c, _, _ := startStream(t, func(cfg *Config) { cfg.PingInterval = 50 * time.Millisecond })
	c.send("ws/ping.json")
	c.expect(msgPong, "")
	c.expect(msgPing, "")
}

func TestStreamTradesAndStats(t *testing.T) {
	_, c, sink, _ := startStream(t, nil)
	c.send("ws/trade_subscribed.json")
	c.send("ws/trade_update.json")
	// Sorted by id; the deleverage is skipped; is_maker_ask means the taker bought.
	want := []arena.TradePrint{
		{Symbol: "BTC", Time: time.UnixMilli(1778239261290).UTC(), Price: fx("97087.9"), Size: fx("0.05"), TakerBuy: false},
		{Symbol: "BTC", Time: time.UnixMilli(1778239261300).UTC(), Price: fx("97090.1"), Size: fx("0.1187"), TakerBuy: true},
		{Symbol: "BTC", Time: time.UnixMilli(1778239261400).UTC(), Price: fx("97085"), Size: fx("0.2"), TakerBuy: false},
	}
	for _, w := range want {
		m := sink.next(t)
		if diff := cmp.Diff(w, m.Trade); m.Kind != marketdata.KindTrade || diff != "" {
			t.Fatalf("trade (-want +got):\n%s", diff)
		}
	}
	c.send("ws/trade_update.json") // a repeat: nothing new
	c.send("ws/stream_error.json") // logged, not fatal
	c.send("ws/market_stats.json")
	m := sink.next(t)
	wantStats := arena.MarketStats{
		Symbol: "BTC", Time: time.UnixMilli(1778239261500).UTC(),
		MarkPrice: fx("97088.9"), IndexPrice: fx("97081.45"),
		FundingRate:  fx("0.000057"), // current_funding_rate 0.0057 %/h
		OpenInterest: fx("2930.66837"), DailyVolume: fx("6134016644.035296"), DailyChange: fx("5.42230069"),
	}
	if diff := cmp.Diff(wantStats, m.Stats); m.Kind != marketdata.KindStats || diff != "" {
		t.Fatalf("stats (-want +got):\n%s", diff)
	}
}

func TestStreamStopsOnSinkError(t *testing.T) {
	_, rest := newRESTVenue(t)
	ws, url := newWSVenue(t)
	boom := errors.New("simulator stopped")
	r := runFeed(t, newTestFeed(t, testConfig(rest.URL, url)), marketdata.SinkFunc(func(context.Context, marketdata.Message) error { return boom }))
	c := ws.accept()
	c.expectSubscriptions("1")
	c.send("ws/order_book_snapshot.json")
	if err := r.result(t); !errors.Is(err, boom) {
		t.Fatalf("Run = %v", err)
	}
}

func TestRunFailsForUnknownSymbol(t *testing.T) {
	_, rest := newRESTVenue(t)
	cfg := testConfig(rest.URL, "ws://127.0.0.1:1/stream")
	cfg.Symbols = []arena.Symbol{"BTC", "XRP"}
	r := runFeed(t, newTestFeed(t, cfg), make(chanSink).sink())
	if err := r.result(t); arena.ErrorCode(err) != arena.CodeNotFound {
		t.Fatalf("Run = %v", err)
	}
}

func TestRunRetriesMarketResolution(t *testing.T) {
	v, rest := newRESTVenue(t)
	v.serve("/api/v1/orderBookDetails", 503, nil)
	ws, url := newWSVenue(t)
	sink := make(chanSink, 8)
	runFeed(t, newTestFeed(t, testConfig(rest.URL, url)), sink.sink())
	for v.count("/api/v1/orderBookDetails") < 2 {
		time.Sleep(5 * time.Millisecond)
	}
	v.serve("/api/v1/orderBookDetails", 200, fixture(t, "rest/orderBookDetails.json"))
	ws.accept().expectSubscriptions("1")
}

func TestConfigValidation(t *testing.T) {
	for _, cfg := range []Config{
		{BaseURL: "not a url"},
		{StreamURL: "/stream"},
		{MinBackoff: time.Minute, MaxBackoff: time.Second},
	} {
		if _, err := New(cfg); arena.ErrorCode(err) != arena.CodeInvalid {
			t.Errorf("New(%+v) = %v", cfg, err)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
