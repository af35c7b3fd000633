package synthetic

import (
	"fmt"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/marketdata"
)

// Config configures a synthetic Feed. The zero value is usable: BTC, ETH and
// SOL from arena.DefaultMarkets with DefaultParams, seed 0, a 500 ms tick in
// real time from now.
type Config struct {
	Seed     uint64
	Interval time.Duration // time between ticks; default 500 ms
	// Start is the stream time of the first tick; every message of tick n is
	// stamped Start + n·Interval. Zero means Clock.Now() truncated to Interval.
	Start time.Time
	Clock marketdata.Clock // default marketdata.SystemClock()
	// Fast emits ticks as fast as the sink takes them instead of pacing
	// them on the clock; the stream is the same either way.
	Fast bool
	// Ticks stops Run (returning nil) after that many ticks; 0 runs until
	// the context ends.
	Ticks int

	Markets []arena.Market          // default arena.DefaultMarkets()
	Params  map[arena.Symbol]Params // per-symbol overrides of DefaultParams

	Depth         int // book levels per side, 20..50; default 40
	SnapshotEvery int // ticks between full book snapshots; default 120 (1 min at 500 ms)
	StatsEvery    int // ticks between market stats; default 2
}

// Params shapes one symbol's market. Prices and notionals are in USD.
type Params struct {
	StartPrice      arena.Fixed // the mid at Start
	Vol             float64     // annual diffusive volatility (0.5 = 50%)
	JumpsPerDay     float64     // mean number of price jumps per day
	JumpVol         float64     // stdev of a jump's log size (0.004 ≈ 0.4%)
	TopNotional     float64     // typical notional resting at the best level; deeper levels hold more
	TradesPerSecond float64     // mean rate of trade prints at the touch
	TradeNotional   float64     // median notional of a trade print (log-normal, σ = 1)
	FundingMean     float64     // long-run funding rate, fraction per hour (positive: longs pay)
	FundingVol      float64     // stationary stdev of the hourly funding rate
	OpenInterest    float64     // long-run open interest, base units
}

var defaultParams = map[arena.Symbol]Params{
	"BTC": {StartPrice: arena.FixedInt(97_000), Vol: 0.50, JumpsPerDay: 3, JumpVol: 0.004,
		TopNotional: 60_000, TradesPerSecond: 1.0, TradeNotional: 8_000,
		FundingMean: 0.0000125, FundingVol: 0.00002, OpenInterest: 2_900},
	"ETH": {StartPrice: arena.FixedInt(3_300), Vol: 0.65, JumpsPerDay: 3, JumpVol: 0.005,
		TopNotional: 40_000, TradesPerSecond: 0.8, TradeNotional: 5_000,
		FundingMean: 0.0000125, FundingVol: 0.000025, OpenInterest: 40_000},
	"SOL": {StartPrice: arena.FixedInt(190), Vol: 0.90, JumpsPerDay: 3, JumpVol: 0.007,
		TopNotional: 20_000, TradesPerSecond: 0.6, TradeNotional: 2_500,
		FundingMean: 0.00001, FundingVol: 0.00004, OpenInterest: 250_000},
}

// DefaultParams returns the built-in parameters for BTC, ETH and SOL: prices
// near early-2025 levels, annual volatility 50%, 65% and 90%, funding around
// 0.001% an hour, open interest of the order Lighter shows.
func DefaultParams(symbol arena.Symbol) (Params, bool) {
	p, ok := defaultParams[symbol]
	return p, ok
}

func (c Config) withDefaults() (Config, error) {
	if c.Interval == 0 {
		c.Interval = 500 * time.Millisecond
	}
	if c.Clock == nil {
		c.Clock = marketdata.SystemClock()
	}
	if c.Start.IsZero() {
		c.Start = c.Clock.Now().Truncate(c.Interval)
	}
	c.Start = c.Start.UTC()
	if c.Markets == nil {
		c.Markets = arena.DefaultMarkets()
	}
	if c.Depth == 0 {
		c.Depth = 40
	}
	if c.SnapshotEvery == 0 {
		c.SnapshotEvery = 120
	}
	if c.StatsEvery == 0 {
		c.StatsEvery = 2
	}
	switch {
	case c.Interval < time.Millisecond:
		return c, arena.Errorf(arena.CodeInvalid, "synthetic: interval %v is below 1ms", c.Interval)
	case c.Depth < 20 || c.Depth > 50:
		return c, arena.Errorf(arena.CodeInvalid, "synthetic: depth %d is outside 20..50", c.Depth)
	case c.SnapshotEvery < 1 || c.StatsEvery < 1 || c.Ticks < 0:
		return c, arena.Errorf(arena.CodeInvalid, "synthetic: snapshot and stats periods must be positive, ticks non-negative")
	case len(c.Markets) == 0:
		return c, arena.Errorf(arena.CodeInvalid, "synthetic: no markets")
	}
	return c, nil
}

// params returns the parameters for m, validated.
func (c Config) params(m arena.Market) (Params, error) {
	p, ok := c.Params[m.Symbol]
	if !ok {
		if p, ok = DefaultParams(m.Symbol); !ok {
			return p, arena.Errorf(arena.CodeInvalid, "synthetic: no parameters for %s", m.Symbol)
		}
	}
	if err := m.Validate(); err != nil {
		return p, fmt.Errorf("synthetic: %w", err)
	}
	switch {
	case p.StartPrice < m.TickSize*100:
		return p, arena.Errorf(arena.CodeInvalid, "synthetic %s: start price %s is under 100 ticks", m.Symbol, p.StartPrice)
	case !(p.Vol > 0 && p.Vol < 5) || p.JumpsPerDay < 0 || p.JumpVol < 0:
		return p, arena.Errorf(arena.CodeInvalid, "synthetic %s: volatility parameters out of range", m.Symbol)
	case !(p.TopNotional > 0) || p.TradesPerSecond < 0 || !(p.TradeNotional > 0):
		return p, arena.Errorf(arena.CodeInvalid, "synthetic %s: depth and trade parameters must be positive", m.Symbol)
	case p.FundingVol < 0 || !(p.OpenInterest > 0):
		return p, arena.Errorf(arena.CodeInvalid, "synthetic %s: funding and open interest parameters out of range", m.Symbol)
	}
	return p, nil
}
