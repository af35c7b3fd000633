package lighter

import (
	"context"
	"fmt"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/marketdata"
)

// resolutions maps the candle resolutions the venue serves to its names.
var resolutions = map[time.Duration]string{
	time.Minute:      "1m",
	5 * time.Minute:  "5m",
	15 * time.Minute: "15m",
	time.Hour:        "1h",
	4 * time.Hour:    "4h",
	24 * time.Hour:   "1d",
}

const (
	maxCandles   = 500  // the venue's limit per request
	minFetch     = 200  // bars fetched at least, so small requests share a fetch
	recentTrades = 4096 // live trades kept per symbol to replay over fresh REST bars
	staleFactor  = 10   // REST data up to CandleTTL·staleFactor old is served when a refresh fails
)

// history serves candles fetched over REST and kept current between
// fetches by the trades the stream delivers, and market stats from the
// stream with a REST fallback. Safe for concurrent use.
type history struct {
	f       *Feed
	candles *marketdata.CandleSet
	group   singleflight.Group

	mu      sync.Mutex
	fetched map[candleKey]fetch                // per symbol and resolution
	marks   map[candleKey]int64                // last trade id included in the REST bars
	recent  map[arena.Symbol]*tradeRing        // live trades, for replaying over REST bars
	stats   map[arena.Symbol]arena.MarketStats // streamed
	rest    restCache
}

type candleKey struct {
	sym arena.Symbol
	res time.Duration
}

type fetch struct {
	at time.Time
	n  int
}

// restCache holds REST answers for the stats fallback.
type restCache struct {
	detailsAt time.Time
	details   []restDetail
	funding   map[int64]fundingAt
}

type fundingAt struct {
	fetched time.Time
	rate    arena.Fixed
}

func newHistory(f *Feed) *history {
	keep := make(map[time.Duration]int, len(resolutions))
	for res := range resolutions {
		keep[res] = maxCandles
	}
	return &history{
		f: f, candles: marketdata.NewCandleSet(keep),
		fetched: map[candleKey]fetch{}, marks: map[candleKey]int64{},
		recent: map[arena.Symbol]*tradeRing{}, stats: map[arena.Symbol]arena.MarketStats{},
		rest: restCache{funding: map[int64]fundingAt{}},
	}
}

// observeTrade extends the bars of every resolution with a streamed trade
// the REST bars do not already include.
func (h *history) observeTrade(p arena.TradePrint, id int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	r := h.recent[p.Symbol]
	if r == nil {
		r = &tradeRing{}
		h.recent[p.Symbol] = r
	}
	r.add(ringTrade{id: id, p: p})
	for res := range resolutions {
		if id > h.marks[candleKey{p.Symbol, res}] {
			h.candles.Aggregator(res).Observe(p.Symbol, p.Time, p.Price.Float64(), p.Size.Float64())
		}
	}
}

func (h *history) observeStats(s arena.MarketStats) {
	h.mu.Lock()
	h.stats[s.Symbol] = s
	h.mu.Unlock()
}

// Candles returns the last n bars (1..500) of symbol at res (1m, 5m, 15m,
// 1h, 4h or 1d), oldest first, the last one in progress. Bars are fetched
// over REST at most every CandleTTL and extended by streamed trades in
// between; if a refresh fails, bars fetched within ten TTLs are served.
func (f *Feed) Candles(ctx context.Context, symbol arena.Symbol, res time.Duration, n int) ([]arena.Candle, error) {
	name, ok := resolutions[res]
	switch {
	case !ok:
		return nil, arena.Errorf(arena.CodeInvalid, "lighter serves no %v candles", res)
	case n < 1 || n > maxCandles:
		return nil, arena.Errorf(arena.CodeInvalid, "candle count %d is outside 1..%d", n, maxCandles)
	}
	m, err := f.market(ctx, symbol)
	if err != nil {
		return nil, err
	}
	h, key := f.hist, candleKey{symbol, res}
	h.mu.Lock()
	last := h.fetched[key]
	h.mu.Unlock()
	now := f.cfg.Now()
	if last.n >= n && now.Sub(last.at) < f.cfg.CandleTTL {
		return h.candles.Candles(symbol, res, n)
	}
	_, err, _ = h.group.Do(fmt.Sprint("candles/", symbol, "/", name), func() (any, error) {
		ctx, cancel := shared(ctx)
		defer cancel()
		return nil, h.refresh(ctx, m, res, name, max(n, minFetch))
	})
	if err != nil {
		if last.n < n || now.Sub(last.at) > staleFactor*f.cfg.CandleTTL {
			return nil, fmt.Errorf("lighter candles %s %s: %w", symbol, name, err)
		}
		f.cfg.Logger.Warn("lighter: candle refresh failed; serving older bars", "symbol", symbol, "resolution", name, "age", now.Sub(last.at), "err", err)
	}
	return h.candles.Candles(symbol, res, n)
}

// refresh fetches bars and reseeds the aggregator with them, then replays
// the streamed trades they do not include.
func (h *history) refresh(ctx context.Context, m arena.Market, res time.Duration, name string, n int) error {
	now := h.f.cfg.Now()
	bars, lastTrade, err := h.f.client.candles(ctx, int64(m.MarketID), name, res, min(n, maxCandles), now)
	if err != nil {
		return err
	}
	key := candleKey{m.Symbol, res}
	h.mu.Lock()
	defer h.mu.Unlock()
	agg := h.candles.Aggregator(res)
	if err := agg.Seed(m.Symbol, bars); err != nil {
		return fmt.Errorf("lighter candles: %w", err)
	}
	r := h.recent[m.Symbol]
	if lastTrade == 0 && r != nil {
		lastTrade = r.maxID() // no trade id from the venue: assume the bars include all seen
	}
	h.marks[key] = lastTrade
	if r != nil {
		r.each(func(t ringTrade) {
			if t.id > lastTrade {
				agg.Observe(m.Symbol, t.p.Time, t.p.Price.Float64(), t.p.Size.Float64())
			}
		})
	}
	h.fetched[key] = fetch{at: now, n: n}
	return nil
}

// shared detaches a request shared by several callers from the first
// caller's cancellation, bounding it instead.
func shared(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
}
