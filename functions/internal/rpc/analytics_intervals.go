package rpc

import (
	"hash/fnv"
	"strconv"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/stats"
)

// Interval is a 95% interval in the unit of its figure.
type Interval struct {
	Lo float64 `json:"lo"`
	Hi float64 `json:"hi"`
}

// EntryIntervals are the 95% stationary-bootstrap intervals of an entry's
// figures over the window's return periods (see IntervalMethod); a member is
// null where its figure is undefined on every draw. Percent figures are in
// percent, like the point figures.
type EntryIntervals struct {
	PnlPercent    *Interval `json:"pnlPercent"`
	PnlNetPercent *Interval `json:"pnlNetPercent"` // net of the LLM cost over the window
	Sharpe        *Interval `json:"sharpe"`
	Sortino       *Interval `json:"sortino"`
	MaxDrawdown   *Interval `json:"maxDrawdown"`
}

// IntervalMethod says how the intervals and the immature flags of an answer
// were computed: a stationary bootstrap of the window's per-period returns
// (period: the leaderboard's return period) with blocks of mean length
// blockLength periods, resamples draws, seeded per entrant from seed and its
// id; an entrant is immature below minTrades trades closed in the window or
// minDays days of record in it.
type IntervalMethod struct {
	Method      string  `json:"method"`
	Confidence  float64 `json:"confidence"`
	Period      string  `json:"period"`
	BlockLength float64 `json:"blockLength"`
	Resamples   int     `json:"resamples"`
	Seed        uint64  `json:"seed"`
	MinTrades   int     `json:"minTrades"`
	MinDays     float64 `json:"minDays"`
}

// Default statistics settings (shared/config's defaults).
var (
	DefaultBootstrap = stats.Bootstrap{BlockLen: 4, Resamples: 1000, Seed: 1}
	DefaultMinRecord = stats.MinRecord{Trades: 10, Days: 1}
)

func (a *api) intervalMethod(period time.Duration) IntervalMethod {
	b, m := a.opts.Bootstrap, a.opts.MinRecord
	return IntervalMethod{Method: "stationary bootstrap", Confidence: 0.95, Period: periodName(period),
		BlockLength: b.BlockLen, Resamples: b.Resamples, Seed: b.Seed, MinTrades: m.Trades, MinDays: m.Days}
}

// bootstrapFor seeds an entrant's draws from the configured seed and its
// id, so its intervals do not depend on which other entrants are listed.
func (a *api) bootstrapFor(id string) stats.Bootstrap {
	h := fnv.New64a()
	_, _ = h.Write([]byte(id))
	b := a.opts.Bootstrap
	b.Seed ^= h.Sum64()
	return b
}

// entryIntervals bootstraps a curve's period returns. The part of the
// window before the first whole period (head) is kept as observed, so the
// return of a draw is (head growth)·(1 + compound of the draw) − 1, and the
// net return subtracts the LLM cost, a fixed amount, from the final equity.
func entryIntervals(b stats.Bootstrap, c *curve, cost arena.Fixed, period time.Duration) *EntryIntervals {
	rs := returns(c.closes)
	if len(rs) < 2 || c.first <= 0 {
		return nil
	}
	r := b.FigureIntervals(rs, periodsPerYear(period))
	head := float64(c.closes[0]) / float64(c.first)
	costShare := 100 * cost.Float64() / (float64(c.first) / 100)
	total := func(g float64) float64 { return 100 * (head*(1+g) - 1) }
	out := &EntryIntervals{
		PnlPercent:  interval(r.Return, total, 0),
		Sharpe:      interval(r.Sharpe, nil, 0),
		Sortino:     interval(r.Sortino, nil, 0),
		MaxDrawdown: interval(r.MaxDrawdown, func(d float64) float64 { return 100 * d }, 0),
	}
	out.PnlNetPercent = interval(r.Return, total, -costShare)
	return out
}

// interval converts a range with f (identity when nil), shifts it and
// rounds it like the point figures.
func interval(r stats.Range, f func(float64) float64, shift float64) *Interval {
	if !r.OK {
		return nil
	}
	if f == nil {
		f = func(v float64) float64 { return v }
	}
	return &Interval{Lo: roundTo(f(r.Lo)+shift, 4), Hi: roundTo(f(r.Hi)+shift, 4)}
}

func periodName(d time.Duration) string {
	switch {
	case d%(24*time.Hour) == 0:
		return strconv.Itoa(int(d/(24*time.Hour))) + "d"
	case d%time.Hour == 0:
		return strconv.Itoa(int(d/time.Hour)) + "h"
	}
	return strconv.Itoa(int(d/time.Minute)) + "m"
}
