package rpc

import (
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/stats"
)

// curve is one account's equity over a window, from its spans in time order.
type curve struct {
	first, last int64     // cents
	firstAt     time.Time // start of the first span
	drawdown    float64   // largest fall from a running peak, fraction
	peak        int64
	closes      []int64 // equity at the end of each return period
	headClose   int64   // last value before the first whole period
	head        bool
	points      int // snapshots covered
}

// curves folds spans (ordered by model, then time) into a curve per model.
// Spans of width period close one return period each; the spans before the
// first of them (single snapshots and finer buckets) contribute their last
// value as the opening close. Drawdown combines spans with the rule of
// migration 00006: max(span drawdown, (peak before − span low) / peak before).
func curves(spans []arena.EquitySpan, period time.Duration) map[string]*curve {
	out := map[string]*curve{}
	for _, s := range spans {
		c := out[s.ModelID]
		if c == nil {
			c = &curve{first: s.First, peak: s.High, firstAt: s.Start}
			out[s.ModelID] = c
		} else if c.peak > 0 {
			c.drawdown = max(c.drawdown, float64(c.peak-s.Low)/float64(c.peak))
		}
		c.drawdown = max(c.drawdown, s.Drawdown)
		c.points += s.Points
		c.peak = max(c.peak, s.High)
		c.last = s.Last
		if s.Width == period {
			if len(c.closes) == 0 && c.head {
				c.closes = append(c.closes, c.headClose)
			} else if len(c.closes) == 0 {
				c.closes = append(c.closes, s.First)
			}
			c.closes = append(c.closes, s.Last)
		} else {
			c.head, c.headClose = true, s.Last
		}
	}
	return out
}

// returns are the period-over-period simple returns of closes
// (stats.Returns: a non-positive close ends them).
func returns(closes []int64) []float64 {
	eq := make([]float64, len(closes))
	for i, c := range closes {
		eq[i] = float64(c)
	}
	return stats.Returns(eq)
}

// sharpe is stats.Sharpe rounded, nil where undefined.
func sharpe(rs []float64, periodsPerYear float64) *float64 {
	return defined(stats.Sharpe(rs, periodsPerYear))
}

// sortino is stats.Sortino rounded, nil where undefined (no losing period).
func sortino(rs []float64, periodsPerYear float64) *float64 {
	return defined(stats.Sortino(rs, periodsPerYear))
}

func defined(v float64, ok bool) *float64 {
	if !ok {
		return nil
	}
	v = roundTo(v, 4)
	return &v
}

func periodsPerYear(period time.Duration) float64 {
	return float64(365*24*time.Hour) / float64(period)
}

// ratio returns num/den rounded, or nil when den is 0.
func ratio(num, den float64, dp int) *float64 {
	if den == 0 {
		return nil
	}
	v := roundTo(num/den, dp)
	return &v
}

// pct returns 100·num/den rounded to 4 decimals, 0 when den is 0.
func pct(num, den float64) float64 {
	if den == 0 {
		return 0
	}
	return roundTo(100*num/den, 4)
}

// costPer divides a cost exactly; nil for no decisions.
func costPer(cost arena.Fixed, n int) *arena.Fixed {
	if n == 0 {
		return nil
	}
	v := cost.Div(arena.FixedInt(int64(n)))
	return &v
}

// profitFactor is gross wins over gross losses; nil without a losing trade.
func profitFactor(a arena.Activity) *float64 {
	if a.LossPnL >= 0 {
		return nil
	}
	return ratio(a.WinPnL.Float64(), -a.LossPnL.Float64(), 4)
}
