package prompt

import (
	"strings"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/decision"
)

// SystemData is what a system prompt is rendered with.
type SystemData struct {
	Name            string // the model's display name
	Symbols         []arena.Symbol
	IntervalMinutes int
	Limits          decision.RiskLimits // the variant's hard limits, as enforced
}

type systemView struct {
	Name, SymbolList string
	IntervalMinutes  int
	Variant          arena.VariantInfo
	Limits           limitsView
}

type limitsView struct {
	MaxLeverage, MaxRiskPerTradePct, MaxGrossExposurePct, MinFreeCash string
}

func (d SystemData) view(v arena.Variant) systemView {
	syms := make([]string, len(d.Symbols))
	for i, s := range d.Symbols {
		syms[i] = string(s)
	}
	return systemView{
		Name: d.Name, SymbolList: strings.Join(syms, ", "), IntervalMinutes: d.IntervalMinutes,
		Variant: v.Info(), Limits: limits(d.Limits),
	}
}

func limits(l decision.RiskLimits) limitsView {
	return limitsView{
		MaxLeverage: l.MaxLeverage.String(), MaxRiskPerTradePct: l.MaxRiskPerTradePct.String(),
		MaxGrossExposurePct: l.MaxGrossExposurePct.String(), MinFreeCash: l.MinFreeCash.String(),
	}
}
