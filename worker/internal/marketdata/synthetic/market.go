package synthetic

import (
	"hash/fnv"
	"math"
	"math/rand/v2"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/marketdata"
)

// dayBuckets is the number of five-minute buckets in 24 hours, over which
// daily volume and change are computed.
const dayBuckets = 24 * 60 / 5

// market is one symbol's synthetic state. Only the feed's Run goroutine
// touches it after construction.
type market struct {
	m      arena.Market
	p      Params
	rng    *rand.Rand
	price  priceProcess
	book   *ladder
	seq    uint64
	fund   float64 // funding, fraction per hour
	logOI  float64
	day    dayWindow
	trades []arena.TradePrint // scratch, reused every tick
}

// rngFor returns the generator for one symbol and purpose: symbols draw from
// independent streams, so adding a market does not change the others.
func rngFor(seed uint64, sym arena.Symbol, purpose string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(sym))
	h.Write([]byte{0})
	h.Write([]byte(purpose))
	return rand.New(rand.NewPCG(seed, h.Sum64()))
}

func newMarket(seed uint64, m arena.Market, p Params, depth int) *market {
	return &market{
		m: m, p: p,
		rng:   rngFor(seed, m.Symbol, "live"),
		price: newPriceProcess(p.StartPrice.Float64(), p),
		book:  newLadder(m, p, depth),
		fund:  p.FundingMean,
		logOI: math.Log(p.OpenInterest),
	}
}

// tick advances the market to stream time t (tick number n, dt after the
// previous one) and appends the resulting messages to out: trade prints,
// then the book update, then (every statsEvery ticks) the market stats.
func (mk *market) tick(out []marketdata.Message, n int, t time.Time, dt time.Duration, snapshotEvery, statsEvery int) []marketdata.Message {
	if n > 0 {
		mk.evolve(dt)
	}
	mid := mk.price.price()
	mk.trades = mk.trades[:0]
	bidT, askT := mk.moveBook(mid, t)
	if n > 0 { // the stream opens with the book, not with prints
		mk.touchTrades(mid, t, dt, bidT, askT)
	}
	b := mk.book
	for _, s := range []*side{&b.bids, &b.asks} {
		b.churn(mk.rng, s)
		b.refill(mk.rng, s, mid)
	}
	b.fill(mk.rng, &b.bids, mid, bidT)
	b.fill(mk.rng, &b.asks, mid, askT)

	for _, tr := range mk.trades {
		out = append(out, marketdata.TradeMessage(tr))
		mk.day.add(t, tr.Price.Float64(), tr.Price.Float64()*tr.Size.Float64())
	}
	if u, ok := mk.bookUpdate(t, n%snapshotEvery == 0); ok {
		out = append(out, marketdata.BookMessage(u))
	}
	mk.day.add(t, mk.bookMid(), 0)
	if n%statsEvery == 0 {
		out = append(out, marketdata.StatsMessage(mk.stats(t)))
	}
	return out
}

func (mk *market) evolve(dt time.Duration) {
	mk.price.step(mk.rng, dt)
	mk.fund = ouStep(mk.rng, mk.fund, mk.p.FundingMean, mk.p.FundingVol, dt, fundingReversion)
	mk.fund = max(-fundingClamp, min(fundingClamp, mk.fund))
	mk.logOI = ouStep(mk.rng, mk.logOI, math.Log(mk.p.OpenInterest), oiVol, dt, oiReversion)
}

// moveBook re-centres the touch on mid and returns the new best bid and ask
// in ticks; a move through resting levels prints a trade at the first level
// crossed, sometimes.
func (mk *market) moveBook(mid float64, t time.Time) (bidT, askT int64) {
	b := mk.book
	bidT, askT = b.touchTargets(mid, spreadTicks(mk.rng))
	sweptBids := b.reprice(mk.rng, &b.bids, bidT, mid)
	sweptAsks := b.reprice(mk.rng, &b.asks, askT, mid)
	for _, sw := range []struct {
		levels   []arena.Level
		takerBuy bool
	}{{sweptBids, false}, {sweptAsks, true}} {
		if len(sw.levels) == 0 || mk.rng.Float64() >= sweepChance {
			continue
		}
		l := sw.levels[0]
		mk.trades = append(mk.trades, arena.TradePrint{
			Symbol: mk.m.Symbol, Time: t, Price: l.Price,
			Size: min(l.Size, mk.tradeSize(mid)), TakerBuy: sw.takerBuy,
		})
	}
	return bidT, askT
}

// touchTrades prints Poisson-many trades at the touch, each taking size off
// the touch level of the side it hits.
func (mk *market) touchTrades(mid float64, t time.Time, dt time.Duration, bidT, askT int64) {
	for range poisson(mk.rng, mk.p.TradesPerSecond*dt.Seconds()) {
		buy := mk.rng.Float64() < 0.5
		s, target := &mk.book.bids, bidT
		if buy {
			s, target = &mk.book.asks, askT
		}
		price, qty := mk.book.hit(mk.rng, s, target, mk.tradeSize(mid), mid)
		mk.trades = append(mk.trades, arena.TradePrint{Symbol: mk.m.Symbol, Time: t, Price: price, Size: qty, TakerBuy: buy})
	}
}

func (mk *market) tradeSize(mid float64) arena.Fixed {
	return mk.book.lots(lognormal(mk.rng, mk.p.TradeNotional, tradeSigma) / mid)
}

func (mk *market) bookUpdate(t time.Time, snapshot bool) (arena.BookUpdate, bool) {
	u := arena.BookUpdate{Symbol: mk.m.Symbol, Time: t, Snapshot: snapshot}
	if snapshot {
		u.Bids, u.Asks = mk.book.bids.snapshot(), mk.book.asks.snapshot()
	} else {
		u.Bids, u.Asks = mk.book.bids.delta(), mk.book.asks.delta()
		if len(u.Bids)+len(u.Asks) == 0 {
			return u, false
		}
	}
	mk.seq++
	u.Seq = mk.seq
	return u, true
}

// bookMid is the mid of the current book (the feed's observable price),
// computed as marketdata.Book.Mid computes it.
func (mk *market) bookMid() float64 {
	b := mk.book
	if len(b.bids.levels) == 0 || len(b.asks.levels) == 0 {
		return mk.price.price()
	}
	return (b.bids.levels[0].Price + b.asks.levels[0].Price).Div(arena.FixedInt(2)).Float64()
}

// stats reports the mark (the book mid on the tick grid), an index below the
// mark by about four hours of funding (so the premium has funding's sign),
// funding, open interest and the trailing day's volume and change.
func (mk *market) stats(t time.Time) arena.MarketStats {
	mid := mk.bookMid()
	index := mid * (1 - 4*mk.fund + 0.00003*mk.rng.NormFloat64())
	return arena.MarketStats{
		Symbol:       mk.m.Symbol,
		Time:         t,
		MarkPrice:    mk.book.price(int64(math.Round(mid / mk.book.tickF))),
		IndexPrice:   mk.book.price(int64(math.Round(index / mk.book.tickF))),
		FundingRate:  roundFixed(mk.fund, 8),
		OpenInterest: mk.book.lots(math.Exp(mk.logOI)),
		DailyVolume:  roundFixed(mk.day.quoteVolume(), 2),
		DailyChange:  roundFixed(mk.day.changePercent(mid), 4),
	}
}

// roundFixed converts a statistic to Fixed with the given decimals; values
// out of Fixed's range (never produced here) become zero.
func roundFixed(v float64, decimals int) arena.Fixed {
	scale := math.Pow10(decimals)
	f, err := arena.FixedFromFloat(math.Round(v*scale) / scale)
	if err != nil {
		return 0
	}
	return f
}
