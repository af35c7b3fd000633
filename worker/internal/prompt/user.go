package prompt

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/decision"
	"github.com/autonome-go/autonome/worker/internal/indicators"
)

// UserData is what the user prompt is rendered with. The agent loop fills it
// once per model per cycle; Market is the cycle's shared snapshot.
type UserData struct {
	Now             time.Time
	StartedAt       time.Time // when this account started trading
	Invocations     int       // completed turns before this one
	IntervalMinutes int
	InitialCapital  arena.Fixed
	Account         arena.AccountSnapshot
	Market          *indicators.Snapshot
	Performance     Performance
	Competition     Competition
	Limits          decision.RiskLimits
	// Decisions are the model's latest createPosition decision per symbol,
	// newest first; the prompt lists the first DecisionsShown.
	Decisions []Decision
}

// Performance is the account's own record.
type Performance struct {
	TotalReturnPct float64
	SharpeRatio    float64 // annualised
	SharpeKnown    bool    // false until there is enough history; shown as N/A
}

// Competition is the model's standing within its variant.
type Competition struct {
	Variant   arena.Variant
	Standings []Standing // best first; the caller trims to the top few plus the model itself
	// LeaderGapPP is how many percentage points of return the model is
	// behind the leader; 0 when it leads.
	LeaderGapPP     float64
	LeaderPositions []CompetitorPosition
}

// Standing is one row of the leaderboard.
type Standing struct {
	Rank   int
	Name   string
	PnLPct float64
	Self   bool
}

// CompetitorPosition is an open position of a leading competitor.
type CompetitorPosition struct {
	Name     string
	Symbol   arena.Symbol
	Side     arena.Side
	Leverage arena.Fixed
}

type userView struct {
	CurrentTime                                      string
	MinutesTrading, Invocations, IntervalMinutes     int
	Market                                           string
	Equity, InitialCapital, Available, GrossExposure string
	ExposurePct, RiskPct, CashUtilizationPct         string
	UnrealizedPnL, RealizedPnL, ReturnPct, Sharpe    string
	Positions                                        []positionView
	Decisions                                        []decisionView
	Variant                                          arena.Variant
	Standings                                        []standingView
	LeaderGap, LeaderPositions                       string
	Limits                                           limitsView
}

type positionView struct {
	Symbol                                                   arena.Symbol
	Side                                                     arena.Side
	Quantity, Notional, Entry, Mark, Liquidation, Unrealized string
	Leverage, OpenedAt, RiskUSD, RiskPct, RewardUSD, RR      string
	Stop, Target, InvalidationPrice, TimeExit, Confidence    string
	Invalidation                                             string
	Intent                                                   *decisionView // the latest decision on the symbol, if any
}

type standingView struct {
	Rank   int
	Name   string
	PnLPct string
	Self   bool
}

func (d UserData) view() userView {
	a := &d.Account
	gross := decision.GrossExposure(a)
	v := userView{
		CurrentTime: indicators.FormatTime(d.Now), Invocations: d.Invocations, IntervalMinutes: d.IntervalMinutes,
		Equity: cents(a.Equity), InitialCapital: cents(d.InitialCapital), Available: cents(a.Available),
		GrossExposure: cents(gross), ExposurePct: pctOfEquity(gross, a.Equity), RiskPct: pctOfEquity(decision.TotalRisk(a), a.Equity),
		CashUtilizationPct: pctOfEquity(a.Equity-a.Available, a.Equity),
		UnrealizedPnL:      cents(a.UnrealizedPnL), RealizedPnL: cents(a.RealizedPnL),
		ReturnPct: float2(d.Performance.TotalReturnPct), Sharpe: "N/A",
		Variant: d.Competition.Variant, LeaderGap: float2(d.Competition.LeaderGapPP), Limits: limits(d.Limits),
	}
	if !d.StartedAt.IsZero() && d.Now.After(d.StartedAt) {
		v.MinutesTrading = int(d.Now.Sub(d.StartedAt) / time.Minute)
	}
	if d.Market != nil {
		v.Market = d.Market.Text()
	}
	if d.Performance.SharpeKnown {
		v.Sharpe = float2(d.Performance.SharpeRatio)
	}
	intent := intents(d.Decisions, d.Now)
	for _, p := range a.Positions {
		if p.Quantity > 0 {
			pv := position(p, a.Equity)
			if dv, ok := intent[p.Symbol]; ok {
				pv.Intent = &dv
			}
			v.Positions = append(v.Positions, pv)
		}
	}
	v.Decisions = decisionViews(d.Decisions, d.Now)
	for _, s := range d.Competition.Standings {
		v.Standings = append(v.Standings, standingView{Rank: s.Rank, Name: s.Name, PnLPct: signed2(s.PnLPct), Self: s.Self})
	}
	v.LeaderPositions = leaderPositions(d.Competition.LeaderPositions)
	return v
}

func position(p arena.PositionSnapshot, equity arena.Fixed) positionView {
	risk, reward := decision.RiskUSD(p), decision.RewardUSD(p)
	rr := "n/a"
	if risk > 0 && reward > 0 {
		rr = float2(reward.Float64() / risk.Float64())
	}
	plan := p.ExitPlan
	return positionView{
		Symbol: p.Symbol, Side: p.Side, Quantity: p.Quantity.String(), Notional: cents(p.Notional),
		Entry: p.EntryPrice.String(), Mark: p.Mark.String(), Liquidation: priceOrNone(p.LiquidationPrice),
		Unrealized: cents(p.UnrealizedPnL), Leverage: p.Leverage.String(), OpenedAt: timeOrNone(p.OpenedAt),
		RiskUSD: cents(risk), RiskPct: pctOfEquity(risk, equity), RewardUSD: cents(reward), RR: rr,
		Stop: priceOrNone(plan.Stop), Target: priceOrNone(plan.Target), InvalidationPrice: priceOrNone(plan.InvalidationPrice),
		TimeExit: timeOrNone(plan.TimeExit), Confidence: strconv.Itoa(int(math.Round(plan.Confidence * 100))),
		Invalidation: orNone(plan.Invalidation),
	}
}

func leaderPositions(ps []CompetitorPosition) string {
	if len(ps) == 0 {
		return "none"
	}
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.Name + " " + string(p.Symbol) + " " + string(p.Side) + " " + p.Leverage.String() + "x"
	}
	return strings.Join(parts, "; ")
}

var cent = arena.MustFixed("0.01")

func cents(v arena.Fixed) string { return v.RoundTo(cent).String() }

func pctOfEquity(v, equity arena.Fixed) string {
	if equity <= 0 {
		return "n/a"
	}
	return float2(v.Float64() / equity.Float64() * 100)
}

func float2(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "n/a"
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}

func signed2(v float64) string {
	s := float2(v)
	if v >= 0 && s != "n/a" {
		return "+" + s
	}
	return s
}

func priceOrNone(v arena.Fixed) string {
	if v <= 0 {
		return "none"
	}
	return v.String()
}

func timeOrNone(t time.Time) string {
	if t.IsZero() {
		return "none"
	}
	return indicators.FormatTime(t)
}

func orNone(s string) string {
	if strings.TrimSpace(s) == "" {
		return "none"
	}
	return s
}
