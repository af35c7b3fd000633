package decision

import (
	"fmt"

	"github.com/autonome-go/autonome/shared/arena"
)

// RiskLimits are the hard limits every opening decision is checked against.
// A decision that would exceed one is rejected, never resized.
type RiskLimits struct {
	// MaxLeverage caps the leverage of a new position (times). The market's
	// own maximum (1/initial margin fraction) applies as well.
	MaxLeverage arena.Fixed
	// MaxRiskPerTradePct caps the loss if the stop is hit, measured from the
	// current price over the whole position after the trade, as a percentage
	// of equity.
	MaxRiskPerTradePct arena.Fixed
	// MaxGrossExposurePct caps Σ|notional| of all positions after the trade
	// as a percentage of equity.
	MaxGrossExposurePct arena.Fixed
	// MinFreeCash is the available cash (USD) that must remain after the
	// trade's margin is set aside.
	MinFreeCash arena.Fixed
}

// DefaultRiskLimits are the reference's guardrails made hard: 10x leverage,
// 2% risk per trade, 300% gross exposure and $500 of free cash.
func DefaultRiskLimits() RiskLimits {
	return RiskLimits{
		MaxLeverage:         arena.FixedInt(10),
		MaxRiskPerTradePct:  arena.FixedInt(2),
		MaxGrossExposurePct: arena.FixedInt(300),
		MinFreeCash:         arena.FixedInt(500),
	}
}

// VariantRiskLimits returns the limits of a variant: the defaults, tightened
// for the personas whose prompt promises less. The system prompt of each
// variant states these same numbers, so prompt and code cannot disagree.
func VariantRiskLimits(v arena.Variant) RiskLimits {
	l := DefaultRiskLimits()
	switch v {
	case arena.Guardian:
		l.MaxLeverage = arena.FixedInt(3)
		l.MaxRiskPerTradePct = arena.FixedInt(1)
		l.MaxGrossExposurePct = arena.FixedInt(150)
	case arena.Sniper:
		l.MaxLeverage = arena.FixedInt(5)
	case arena.Contrarian:
		l.MaxLeverage = arena.FixedInt(5)
		l.MaxRiskPerTradePct = arena.MustFixed("1.5")
	}
	return l
}

// Validate checks that the limits are usable.
func (l RiskLimits) Validate() error {
	switch {
	case l.MaxLeverage < arena.One:
		return fmt.Errorf("risk limits: max leverage %s is below 1", l.MaxLeverage)
	case l.MaxRiskPerTradePct <= 0 || l.MaxRiskPerTradePct > arena.FixedInt(100):
		return fmt.Errorf("risk limits: max risk per trade %s%% is not in (0, 100]", l.MaxRiskPerTradePct)
	case l.MaxGrossExposurePct <= 0:
		return fmt.Errorf("risk limits: max gross exposure %s%% is not positive", l.MaxGrossExposurePct)
	case l.MinFreeCash < 0:
		return fmt.Errorf("risk limits: min free cash %s is negative", l.MinFreeCash)
	}
	return nil
}

// pctOf returns pct% of v.
func pctOf(v, pct arena.Fixed) arena.Fixed {
	r, err := v.MulChecked(pct)
	if err != nil {
		return arena.MaxFixed
	}
	return r.Div(arena.FixedInt(100))
}
