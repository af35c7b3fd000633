package seasonimport

import (
	"fmt"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/decision"
	"github.com/autonome-go/autonome/worker/internal/llm"
	"github.com/autonome-go/autonome/worker/internal/season"
)

// Card is a season's methodology card: how its numbers were produced, so
// two seasons (or a season and the live arena) can be compared fairly.
// It is stored as JSON in "Seasons"."methodology" and served as is by
// seasons.get.
type Card struct {
	Data        DataCard       `json:"data"`
	Start       time.Time      `json:"start"`
	End         time.Time      `json:"end"`
	Interval    string         `json:"decisionInterval"`
	Capital     arena.Fixed    `json:"startingCapital"`
	Fees        []FeeCard      `json:"fees"`
	Slippage    string         `json:"slippage"`
	Latency     string         `json:"latency"`
	Funding     string         `json:"funding"`
	Liquidation string         `json:"liquidation"`
	StaleBook   string         `json:"staleBook"`
	Isolation   string         `json:"isolation"`
	Limits      []LimitsCard   `json:"limits"`
	Models      []ModelCard    `json:"models"`
	Prompts     string         `json:"prompts"` // SHA-256 of the template set
	Code        season.Code    `json:"code"`
	Parent      *season.Parent `json:"parent,omitempty"`
	Flagged     int            `json:"flagged"` // models that may have seen the tape's period in training
}

// DataCard says where the market data came from and what it covers.
type DataCard struct {
	Source        string    `json:"source"`
	SyntheticSeed *uint64   `json:"syntheticSeed,omitempty"`
	FeedTick      string    `json:"feedTick,omitempty"`
	Messages      int       `json:"messages"`
	First         time.Time `json:"first"`
	Last          time.Time `json:"last"`
	Markets       []string  `json:"markets"`
}

// FeeCard is one market's fees and margin.
type FeeCard struct {
	Symbol            arena.Symbol `json:"symbol"`
	MakerBps          arena.Fixed  `json:"makerBps"`
	TakerBps          arena.Fixed  `json:"takerBps"`
	LiquidationFeeBps arena.Fixed  `json:"liquidationFeeBps"`
	MaxLeverage       arena.Fixed  `json:"maxLeverage"`
	MaintenancePct    arena.Fixed  `json:"maintenanceMarginPct"`
}

// LimitsCard is the risk limits one group of entrants decided under.
type LimitsCard struct {
	Entrants            []string    `json:"entrants"`
	MaxLeverage         arena.Fixed `json:"maxLeverage"`
	MaxRiskPerTradePct  arena.Fixed `json:"maxRiskPerTradePct"`
	MaxGrossExposurePct arena.Fixed `json:"maxGrossExposurePct"`
	MinFreeCash         arena.Fixed `json:"minFreeCash"`
}

// ModelCard is one entrant's model as called and its training cutoff
// against the tape's dates.
type ModelCard struct {
	Entrant  string   `json:"entrant"`
	Kind     string   `json:"kind"`
	Provider string   `json:"provider"`
	Model    string   `json:"model"` // provider model id as called
	Cutoff   string   `json:"trainingCutoff,omitempty"`
	Released string   `json:"released,omitempty"`
	Source   string   `json:"cutoffSource,omitempty"`
	Exposure Exposure `json:"exposure"`
	Flagged  bool     `json:"flagged"` // has (or may have) seen the tape's period in training
}

// Methodology builds the card of a season from its configuration.
func Methodology(c season.Config) Card {
	m := c.Market
	card := Card{Data: DataCard{Source: m.Source, SyntheticSeed: m.SyntheticSeed, Messages: m.Messages, First: m.First, Last: m.Last},
		Start: c.Start, End: c.End, Interval: time.Duration(c.Interval).String(), Capital: c.Exchange.StartingCapital,
		Prompts: c.Prompts.SHA256, Code: c.Code, Parent: c.Parent}
	if m.FeedTick > 0 {
		card.Data.FeedTick = time.Duration(m.FeedTick).String()
	}
	ex := c.Exchange
	for _, mk := range ex.Markets {
		card.Data.Markets = append(card.Data.Markets, string(mk.Symbol))
		card.Fees = append(card.Fees, FeeCard{Symbol: mk.Symbol, MakerBps: mk.MakerFeeBps, TakerBps: mk.TakerFeeBps,
			LiquidationFeeBps: mk.LiquidationFeeBps, MaxLeverage: mk.MaxLeverage(), MaintenancePct: mk.MaintenanceMarginFraction.MulInt(100)})
	}
	card.Slippage = "none beyond the book walked"
	if ex.SlippageBps > 0 {
		card.Slippage = fmt.Sprintf("book walked, plus adverse slippage uniform in [0, %s] bps drawn from seed %d mixed with each entrant's id", ex.SlippageBps, ex.Seed)
	}
	card.Latency = fmt.Sprintf("orders reach the book at the decision slot + the model's measured latency (recorded per call) + %s taker / %s maker",
		time.Duration(ex.TakerLatency), time.Duration(ex.MakerLatency))
	card.Funding = "settled at each whole hour on open positions at the tape's latest funding rate and mark"
	card.Liquidation = "when equity falls below the maintenance margin (per market below), at the mark, with the liquidation fee"
	card.StaleBook = fmt.Sprintf("orders refused when a book has not updated for %s", time.Duration(ex.StaleAfter))
	card.Isolation = "each entrant trades its own exchange on the same tape: it meets the venue's book as if alone, never another entrant's liquidity"
	card.Limits = limits(c.Entrants)
	for _, e := range c.Entrants {
		mc := modelCard(e, c.Market.First)
		if mc.Flagged {
			card.Flagged++
		}
		card.Models = append(card.Models, mc)
	}
	return card
}

func modelCard(e season.Entrant, tapeStart time.Time) ModelCard {
	en := e.Entry
	base := en.Kind == arena.KindBaseline
	c, x := exposure(en.ProviderModel, base, tapeStart)
	mc := ModelCard{Entrant: e.ID, Kind: string(en.Kind), Provider: string(en.Provider), Model: en.ProviderModel, Source: c.Source,
		Exposure: x, Flagged: x == Seen || x == PossiblySeen}
	if !c.Cutoff.IsZero() {
		mc.Cutoff = c.Cutoff.Format(time.DateOnly)
	}
	if !c.Released.IsZero() {
		mc.Released = c.Released.Format(time.DateOnly)
	}
	return mc
}

// limits groups entrants by the risk limits they decided under (the live
// arena's: per variant for models, per rule for baselines).
func limits(es []season.Entrant) []LimitsCard {
	var out []LimitsCard
	for _, e := range es {
		l := decision.VariantRiskLimits(e.Entry.Variant)
		if e.Entry.Kind == arena.KindBaseline {
			l = llm.BaselineLimits(e.Entry.ProviderModel)
		}
		found := false
		for i := range out {
			o := &out[i]
			if o.MaxLeverage == l.MaxLeverage && o.MaxRiskPerTradePct == l.MaxRiskPerTradePct &&
				o.MaxGrossExposurePct == l.MaxGrossExposurePct && o.MinFreeCash == l.MinFreeCash {
				o.Entrants, found = append(o.Entrants, e.ID), true
				break
			}
		}
		if !found {
			out = append(out, limitsCard(e.ID, l))
		}
	}
	return out
}

func limitsCard(id string, l decision.RiskLimits) LimitsCard {
	return LimitsCard{Entrants: []string{id}, MaxLeverage: l.MaxLeverage, MaxRiskPerTradePct: l.MaxRiskPerTradePct,
		MaxGrossExposurePct: l.MaxGrossExposurePct, MinFreeCash: l.MinFreeCash}
}
