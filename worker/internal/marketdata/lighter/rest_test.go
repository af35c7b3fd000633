package lighter

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/marketdata"
)

func TestMarketsFromOrderBookDetails(t *testing.T) {
	_, srv := newRESTVenue(t)
	c := NewClient(srv.URL, http.DefaultClient, 6000)
	got, err := c.Markets(t.Context(), []arena.Symbol{"BTC", "ETH", "SOL"}, arena.DefaultMarkets())
	if err != nil {
		t.Fatal(err)
	}
	mk := func(sym arena.Symbol, id int, tick, lot, minSize, imf, mmf string) arena.Market {
		return arena.Market{Symbol: sym, MarketID: id, TickSize: fx(tick), LotSize: fx(lot), MinSize: fx(minSize),
			InitialMarginFraction: fx(imf), MaintenanceMarginFraction: fx(mmf),
			MakerFeeBps: fx("0.4"), TakerFeeBps: fx("2.8"), LiquidationFeeBps: fx("50")}
	}
	want := []arena.Market{
		mk("BTC", 1, "0.1", "0.00001", "0.0002", "0.02", "0.012"),
		mk("ETH", 0, "0.01", "0.0001", "0.005", "0.02", "0.012"),
		mk("SOL", 2, "0.001", "0.001", "0.05", "0.04", "0.024"),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("markets (-want +got):\n%s", diff)
	}
	// Without defaults the venue's fees (percent) become basis points.
	got, err = c.Markets(t.Context(), []arena.Symbol{"ETH"}, nil)
	if err != nil || got[0].TakerFeeBps != 0 || got[0].LiquidationFeeBps != fx("100") {
		t.Errorf("venue fees: %+v, %v", got, err)
	}
	for _, sym := range []arena.Symbol{"DOGE", "XRP"} { // inactive, unlisted
		if _, err := c.Markets(t.Context(), []arena.Symbol{sym}, nil); arena.ErrorCode(err) != arena.CodeNotFound {
			t.Errorf("%s: %v", sym, err)
		}
	}
}

func TestRESTErrorsAreCoded(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   []byte
		want   arena.Code
	}{
		{"rate limited", http.StatusTooManyRequests, []byte(`{"code":429,"message":"too many requests"}`), arena.CodeRateLimited},
		{"bad request", http.StatusBadRequest, fixture(t, "rest/error_invalid_param.json"), arena.CodeInvalid},
		{"server error", http.StatusBadGateway, []byte("<html>bad gateway</html>"), arena.CodeUnavailable},
		{"error code in a 200", http.StatusOK, fixture(t, "rest/error_invalid_param.json"), arena.CodeUnavailable},
		{"not json", http.StatusOK, []byte("{"), arena.CodeUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, srv := newRESTVenue(t)
			v.serve("/api/v1/orderBookDetails", tt.status, tt.body)
			_, err := NewClient(srv.URL, http.DefaultClient, 6000).details(context.Background())
			if arena.ErrorCode(err) != tt.want {
				t.Errorf("err = %v (%s), want %s", err, arena.ErrorCode(err), tt.want)
			}
		})
	}
	_, err := NewClient("http://127.0.0.1:1", http.DefaultClient, 6000).details(t.Context())
	if arena.ErrorCode(err) != arena.CodeUnavailable {
		t.Errorf("connection refused: %v", err)
	}
}

func TestRateLimiterWaits(t *testing.T) {
	_, srv := newRESTVenue(t)
	c := NewClient(srv.URL, http.DefaultClient, 60) // one a second after a burst of 5
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	n := 0
	for ; n < 10; n++ {
		if _, err := c.details(ctx); err != nil {
			if arena.ErrorCode(err) != arena.CodeTimeout {
				t.Fatalf("err = %v", err)
			}
			break
		}
	}
	if n != 5 {
		t.Errorf("%d requests passed before the limiter held", n)
	}
}

// clock is a settable time source for TTL tests.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestCandlesCacheAndLiveExtension(t *testing.T) {
	v, srv := newRESTVenue(t)
	clk := &clock{t: time.UnixMilli(1778239261000).UTC()}
	cfg := testConfig(srv.URL, "ws://unused.invalid/stream")
	cfg.Now = clk.now
	f := newTestFeed(t, cfg)
	ctx := t.Context()

	bars, err := f.Candles(ctx, "BTC", marketdata.Resolution5m, 3)
	if err != nil {
		t.Fatal(err)
	}
	want := []arena.Candle{
		{Start: time.UnixMilli(1778238600000).UTC(), Open: 97010.1, High: 97055.0, Low: 96990.3, Close: 97040.2, Volume: 12.51234},
		{Start: time.UnixMilli(1778238900000).UTC(), Open: 97040.2, High: 97081.7, Low: 97021.9, Close: 97075.5, Volume: 9.80012},
		{Start: time.UnixMilli(1778239200000).UTC(), Open: 97075.5, High: 97099.9, Low: 97060.0, Close: 97090.0, Volume: 3.1},
	}
	if diff := cmp.Diff(want, bars); diff != "" {
		t.Fatalf("bars (-want +got):\n%s", diff)
	}
	q := v.query("/api/v1/candles")
	if q["market_id"] != "1" || q["resolution"] != "5m" || q["count_back"] != "200" || q["end_timestamp"] != "1778239261000" {
		t.Errorf("query %v", q)
	}

	// Streamed trades extend the in-progress bar, except those the REST bars
	// already include (ids up to the last bar's 9000200).
	trade := func(id int64, price string, size string) {
		f.hist.observeTrade(arena.TradePrint{Symbol: "BTC", Time: clk.t, Price: fx(price), Size: fx(size)}, id)
	}
	trade(9000199, "97200", "1") // already counted by the venue
	trade(9000201, "97110.5", "0.5")
	trade(9000202, "97050", "0.25")
	bars, err = f.Candles(ctx, "BTC", marketdata.Resolution5m, 3)
	if err != nil {
		t.Fatal(err)
	}
	if last := bars[2]; last.High != 97110.5 || last.Close != 97050 || last.Volume != 3.85 {
		t.Errorf("live-extended bar %+v", last)
	}
	if n := v.count("/api/v1/candles"); n != 1 {
		t.Errorf("%d REST calls within the TTL", n)
	}

	// After the TTL the bars are refetched and the trades after the REST
	// bars' last trade id are replayed over them.
	clk.t = clk.t.Add(3 * time.Minute)
	bars, err = f.Candles(ctx, "BTC", marketdata.Resolution5m, 3)
	if err != nil {
		t.Fatal(err)
	}
	if n := v.count("/api/v1/candles"); n != 2 {
		t.Errorf("%d REST calls after the TTL", n)
	}
	if last := bars[2]; last.High != 97110.5 || last.Volume != 3.85 {
		t.Errorf("bar after refresh %+v", last)
	}

	// A failed refresh serves the older bars; a request for more than was
	// ever fetched fails.
	clk.t = clk.t.Add(3 * time.Minute)
	v.serve("/api/v1/candles", http.StatusServiceUnavailable, nil)
	if _, err := f.Candles(ctx, "BTC", marketdata.Resolution5m, 3); err != nil {
		t.Errorf("stale bars not served: %v", err)
	}
	if _, err := f.Candles(ctx, "BTC", marketdata.Resolution5m, 300); arena.ErrorCode(err) != arena.CodeUnavailable {
		t.Errorf("larger request on failure: %v", err)
	}
	for _, c := range []struct {
		res time.Duration
		n   int
	}{{7 * time.Minute, 10}, {marketdata.Resolution5m, 0}, {marketdata.Resolution5m, 501}} {
		if _, err := f.Candles(ctx, "BTC", c.res, c.n); arena.ErrorCode(err) != arena.CodeInvalid {
			t.Errorf("Candles(%v, %d): %v", c.res, c.n, err)
		}
	}
	if _, err := f.Candles(ctx, "ETH", marketdata.Resolution5m, 3); arena.ErrorCode(err) != arena.CodeInvalid {
		t.Errorf("unconfigured symbol: %v", err)
	}
}

func TestStatsFromStreamThenREST(t *testing.T) {
	v, srv := newRESTVenue(t)
	clk := &clock{t: time.UnixMilli(1778239261500).UTC()}
	cfg := testConfig(srv.URL, "ws://unused.invalid/stream")
	cfg.Now = clk.now
	f := newTestFeed(t, cfg)
	ctx := t.Context()

	// No streamed stats yet: REST. The latest funding was paid by shorts.
	got, err := f.Stats(ctx, "BTC")
	if err != nil {
		t.Fatal(err)
	}
	want := arena.MarketStats{Symbol: "BTC", Time: clk.t, MarkPrice: fx("91229"), FundingRate: fx("-0.000008"),
		OpenInterest: fx("2930.66837"), DailyVolume: fx("6134016644.035296"), DailyChange: fx("5.42230069")}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("REST stats (-want +got):\n%s", diff)
	}
	if q := v.query("/api/v1/fundings"); q["market_id"] != "1" || q["resolution"] != "1h" || q["end_timestamp"] != "1778239261" {
		t.Errorf("fundings query %v", q)
	}

	streamed := arena.MarketStats{Symbol: "BTC", Time: clk.t, MarkPrice: fx("97088.9"), FundingRate: fx("0.000057")}
	f.hist.observeStats(streamed)
	if got, err := f.Stats(ctx, "BTC"); err != nil || got != streamed {
		t.Errorf("streamed stats: %+v, %v", got, err)
	}
	// Streamed stats go stale; REST failing, they are still served.
	clk.t = clk.t.Add(2 * time.Minute)
	v.serve("/api/v1/orderBookDetails", http.StatusBadGateway, nil)
	if got, err := f.Stats(ctx, "BTC"); err != nil || got != streamed {
		t.Errorf("stale streamed stats: %+v, %v", got, err)
	}
	if v.count("/api/v1/fundings") != 1 {
		t.Errorf("funding fetched %d times", v.count("/api/v1/fundings"))
	}
}
