package synthetic

import (
	"math"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/marketdata"
)

// Bars kept per resolution: enough for the prompts (Bars5m, Bars4h) and for
// a day of five-minute buckets.
var keepBars = map[time.Duration]int{
	marketdata.Resolution5m: 300,
	marketdata.Resolution4h: 100,
}

// backfillStep is the spacing of the synthesised path inside a bar.
const backfillStep = 30 * time.Second

// backfill synthesises the five-minute bars of the history before start, far
// enough back to fill every kept four-hour bar, by running the price process
// backwards from the start price. The last bar is the one containing start,
// closing at the start price. Volumes follow the trade-print parameters,
// larger on bars that move more.
func backfill(seed uint64, m arena.Market, p Params, start time.Time) []arena.Candle {
	rng := rngFor(seed, m.Symbol, "history")
	from := marketdata.BarStart(start, marketdata.Resolution4h).Add(-time.Duration(keepBars[marketdata.Resolution4h]-1) * marketdata.Resolution4h)
	steps := int(start.Sub(from) / backfillStep)
	logs := make([]float64, steps+1) // logs[k] is the log price at start-(steps-k)·step
	pp := newPriceProcess(p.StartPrice.Float64(), p)
	logs[steps] = pp.logPrice
	for k := steps - 1; k >= 0; k-- {
		logs[k] = logs[k+1] - pp.step(rng, backfillStep)
	}

	barSigma := p.Vol * math.Sqrt(marketdata.Resolution5m.Seconds()/year.Seconds())
	meanNotional := p.TradesPerSecond * marketdata.Resolution5m.Seconds() * p.TradeNotional * math.Exp(tradeSigma*tradeSigma/2)
	var bars []arena.Candle
	for k := 0; k <= steps; k++ {
		t := start.Add(-time.Duration(steps-k) * backfillStep)
		price := math.Exp(logs[k])
		if k == steps {
			price = p.StartPrice.Float64() // exactly, not exp(log(price))
		}
		bs := marketdata.BarStart(t, marketdata.Resolution5m)
		if n := len(bars); n > 0 && bars[n-1].Start.Equal(bs) {
			c := &bars[n-1]
			c.High, c.Low, c.Close = max(c.High, price), min(c.Low, price), price
			continue
		}
		bars = append(bars, arena.Candle{Start: bs, Open: price, High: price, Low: price, Close: price})
	}
	for i := range bars {
		c := &bars[i]
		move := math.Abs(math.Log(c.Close/c.Open)) / barSigma
		elapsed := 1.0
		if i == len(bars)-1 {
			elapsed = start.Sub(c.Start).Seconds() / marketdata.Resolution5m.Seconds()
		}
		c.Volume = meanNotional * elapsed * lognormal(rng, 1, 0.4) * (0.5 + 0.6*move) / c.Close
	}
	return bars
}

// aggregate merges aligned bars into bars of resolution res.
func aggregate(bars []arena.Candle, res time.Duration) []arena.Candle {
	var out []arena.Candle
	for _, b := range bars {
		s := marketdata.BarStart(b.Start, res)
		if n := len(out); n > 0 && out[n-1].Start.Equal(s) {
			c := &out[n-1]
			c.High, c.Low, c.Close = max(c.High, b.High), min(c.Low, b.Low), b.Close
			c.Volume += b.Volume
			continue
		}
		b.Start = s
		out = append(out, b)
	}
	return out
}
