package rpc

import (
	"context"
	"sort"

	"github.com/autonome-go/autonome/shared/arena"
)

// completedTradesDefault and completedTradesMax are the reference's limit
// default and cap (a larger limit is capped, not refused).
const (
	completedTradesDefault = 200
	completedTradesMax     = 500
)

// CompletedTradesInput is simulator.getCompletedTrades' input.
type CompletedTradesInput struct {
	AccountID string `json:"accountId,omitempty"`
}

// CompletedTradesOutput is simulator.getCompletedTrades' output.
type CompletedTradesOutput struct {
	Trades []CompletedTrade `json:"trades"`
}

// CompletedTrade is the reference's CompletedTradeSchema: one closed
// trade seen from the closing order. Side is that order's side (sell
// closes a LONG), Direction the position's; notional is at the exit price;
// leverage and confidence (a fraction) are left out when not recorded.
type CompletedTrade struct {
	ID          string       `json:"id"`
	Symbol      arena.Symbol `json:"symbol"`
	Side        string       `json:"side"`
	Direction   arena.Side   `json:"direction"`
	Notional    arena.Fixed  `json:"notional"`
	RealizedPnl arena.Fixed  `json:"realizedPnl"`
	Leverage    *arena.Fixed `json:"leverage,omitempty"`
	Confidence  *float64     `json:"confidence,omitempty"`
	Timestamp   string       `json:"timestamp"`
}

// getCompletedTrades returns an account's latest completed trades. The
// reference's simulator kept none and always answered []; ours are in the
// ledger. Without an account (the reference's "default") there are none.
func (a *api) getCompletedTrades(ctx context.Context, in CompletedTradesInput) (CompletedTradesOutput, error) {
	out := CompletedTradesOutput{Trades: []CompletedTrade{}}
	if in.AccountID == "" {
		return out, nil
	}
	if err := a.requireAccount(ctx, in.AccountID); err != nil {
		return CompletedTradesOutput{}, err
	}
	rows, err := a.DB.CompletedTrades(ctx, in.AccountID, completedTradesDefault)
	if err != nil {
		return CompletedTradesOutput{}, dbErr(err, "trades")
	}
	for i := range rows {
		t := &rows[i].Position
		side := "sell"
		if t.Side == arena.Short {
			side = "buy"
		}
		ct := CompletedTrade{ID: t.ID, Symbol: t.Symbol, Side: side, Direction: t.Side, Notional: exitNotional(t),
			RealizedPnl: t.RealizedPnL, Confidence: planConfidence(t.ExitPlan), Timestamp: ISO(t.ClosedAt)}
		if t.Leverage > 0 {
			lev := t.Leverage
			ct.Leverage = &lev
		}
		out.Trades = append(out.Trades, ct)
	}
	return out, nil
}

func exitNotional(t *arena.Position) arena.Fixed {
	n := t.ClosedQuantity.Mul(t.ExitPrice)
	return max(n, -n)
}

// planConfidence is a plan's confidence fraction, nil when it has none.
func planConfidence(p arena.ExitPlan) *float64 {
	if p.Confidence == 0 {
		return nil
	}
	c := p.Confidence
	return &c
}

// CompletedTradesFromDBInput is simulator.getCompletedTradesFromDB's input.
type CompletedTradesFromDBInput struct {
	ModelID string `json:"modelId,omitempty"`
	Limit   *int   `json:"limit,omitempty"` // positive; default 200, capped at 500
}

// Validate requires a positive limit.
func (in *CompletedTradesFromDBInput) Validate() error {
	if in.Limit != nil && *in.Limit < 1 {
		return Invalid(Issue{Path: []any{"limit"}, Message: "must be a positive integer"})
	}
	return nil
}

// CompletedTradesFromDBOutput is simulator.getCompletedTradesFromDB's output.
type CompletedTradesFromDBOutput struct {
	Trades []CompletedTradeFromDB `json:"trades"`
	Stats  TradeStats             `json:"stats"`
}

// CompletedTradeFromDB is the reference's CompletedTradeFromDBSchema.
// RealizedPnl is the trade's gross realized PnL ("Orders".realizedPnl),
// confidence a fraction in (0, 1], invocationId "" when no decision closed
// the trade (stop, target, liquidation).
type CompletedTradeFromDB struct {
	ID           string       `json:"id"`
	ModelID      string       `json:"modelId"`
	ModelName    *string      `json:"modelName"`
	Symbol       arena.Symbol `json:"symbol"`
	Direction    arena.Side   `json:"direction"`
	Notional     *arena.Fixed `json:"notional"`
	RealizedPnl  *arena.Fixed `json:"realizedPnl"`
	Leverage     *arena.Fixed `json:"leverage"`
	Confidence   *float64     `json:"confidence"`
	ClosedAt     *string      `json:"closedAt"`
	InvocationID string       `json:"invocationId"`
}

// TradeStats is the reference's TradeStatsSchema: expectancy is the mean
// realized PnL per trade; leverage and confidence statistics cover the
// trades that recorded a positive value (listed in …Values, in trade order).
type TradeStats struct {
	TradeCount        int         `json:"tradeCount"`
	TotalRealized     arena.Fixed `json:"totalRealized"`
	Expectancy        *float64    `json:"expectancy"`
	AverageLeverage   *float64    `json:"averageLeverage"`
	MedianLeverage    *float64    `json:"medianLeverage"`
	MaxLeverage       *float64    `json:"maxLeverage"`
	LeverageValues    []float64   `json:"leverageValues"`
	AverageConfidence *float64    `json:"averageConfidence"`
	MedianConfidence  *float64    `json:"medianConfidence"`
	ConfidenceValues  []float64   `json:"confidenceValues"`
}

// getCompletedTradesFromDB returns a model's latest closed trades with
// their statistics. As in the reference, no modelId means no trades (and
// an unknown one finds none).
func (a *api) getCompletedTradesFromDB(ctx context.Context, in CompletedTradesFromDBInput) (CompletedTradesFromDBOutput, error) {
	out := CompletedTradesFromDBOutput{Trades: []CompletedTradeFromDB{}}
	if in.ModelID == "" {
		out.Stats = tradeStats(out.Trades)
		return out, nil
	}
	limit := completedTradesDefault
	if in.Limit != nil {
		limit = min(*in.Limit, completedTradesMax)
	}
	s, err := a.scope(ctx, "")
	if err != nil {
		return CompletedTradesFromDBOutput{}, err
	}
	rows, err := a.DB.CompletedTrades(ctx, in.ModelID, limit)
	if err != nil {
		return CompletedTradesFromDBOutput{}, dbErr(err, "trades")
	}
	for i := range rows {
		out.Trades = append(out.Trades, tradeFromDB(&rows[i], s.byID[rows[i].AccountID]))
	}
	out.Stats = tradeStats(out.Trades)
	return out, nil
}

func tradeFromDB(r *arena.CompletedTrade, m *arena.Model) CompletedTradeFromDB {
	t := &r.Position
	notional, realized, closed := exitNotional(t), t.RealizedPnL, ISO(t.ClosedAt)
	ct := CompletedTradeFromDB{ID: t.ID, ModelID: t.AccountID, Symbol: t.Symbol, Direction: t.Side, Notional: &notional,
		RealizedPnl: &realized, ClosedAt: &closed, InvocationID: r.InvocationID}
	if m != nil {
		ct.ModelName = &m.Name
	}
	if t.Leverage > 0 {
		lev := t.Leverage
		ct.Leverage = &lev
	}
	ct.Confidence = planConfidence(t.ExitPlan)
	return ct
}

func tradeStats(trades []CompletedTradeFromDB) TradeStats {
	s := TradeStats{TradeCount: len(trades), LeverageValues: []float64{}, ConfidenceValues: []float64{}}
	for _, t := range trades {
		if t.RealizedPnl != nil {
			s.TotalRealized += *t.RealizedPnl
		}
		if t.Leverage != nil {
			s.LeverageValues = append(s.LeverageValues, t.Leverage.Float64())
		}
		if t.Confidence != nil {
			s.ConfidenceValues = append(s.ConfidenceValues, *t.Confidence)
		}
	}
	if s.TradeCount > 0 {
		e := roundTo(s.TotalRealized.Float64()/float64(s.TradeCount), 8)
		s.Expectancy = &e
	}
	s.AverageLeverage, s.MedianLeverage, s.MaxLeverage = mean(s.LeverageValues), median(s.LeverageValues), maxOf(s.LeverageValues)
	s.AverageConfidence, s.MedianConfidence = mean(s.ConfidenceValues), median(s.ConfidenceValues)
	return s
}

func mean(v []float64) *float64 {
	if len(v) == 0 {
		return nil
	}
	sum := 0.0
	for _, x := range v {
		sum += x
	}
	m := roundTo(sum/float64(len(v)), 8)
	return &m
}

func median(v []float64) *float64 {
	if len(v) == 0 {
		return nil
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	m := s[len(s)/2]
	if len(s)%2 == 0 {
		m = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	m = roundTo(m, 8)
	return &m
}

func maxOf(v []float64) *float64 {
	if len(v) == 0 {
		return nil
	}
	m := v[0]
	for _, x := range v[1:] {
		m = max(m, x)
	}
	return &m
}
