package arena

// Variant is a strategy persona. Each LLM runs once per variant, each run a
// separate account; competitions (leaderboard, prompt standings) are scoped
// per variant.
type Variant string

// The seven variants, spelled as the "Variant" database enum spells them.
const (
	Guardian    Variant = "Guardian"
	Apex        Variant = "Apex"
	Gladiator   Variant = "Gladiator"
	Sniper      Variant = "Sniper"
	Trendsurfer Variant = "Trendsurfer"
	Contrarian  Variant = "Contrarian"
	Sovereign   Variant = "Sovereign"
)

// VariantAll is the "aggregate index" filter value accepted by the API.
const VariantAll = "all"

// VariantInfo is the display and prompt metadata of a variant.
type VariantInfo struct {
	ID          Variant `json:"id"`
	Label       string  `json:"label"`
	Description string  `json:"description"`
	Temperature float64 `json:"temperature"`
	Color       string  `json:"color"`
}

var variants = []VariantInfo{
	{Guardian, "Guardian (Fortress)", "Capital preservation: low leverage, trades only strong trends with tight risk.", 0, "#a855f7"},
	{Apex, "Apex (Kelly Engine)", "Aggressive momentum: sizes by edge, up to high leverage on volatility expansion.", 0, "#f59e0b"},
	{Gladiator, "Gladiator (Tournament)", "Game theory: trades the leaderboard, takes risk when behind and protects leads.", 0, "#22c55e"},
	{Sniper, "Sniper (Precision)", "Confluence only: enters when trend, momentum and volatility agree.", 0, "#3b82f6"},
	{Trendsurfer, "Trendsurfer (Momentum)", "Rides established trends with trailing ATR stops.", 0, "#06b6d4"},
	{Contrarian, "Contrarian (Reverter)", "Mean reversion: fades stretched moves back toward the average.", 0, "#e11d48"},
	{Sovereign, "Sovereign (Adaptive)", "Regime-adaptive: trends when trending, reverts when ranging, flat when unclear.", 0, "#eab308"},
}

// AggregateVariant is the display metadata of the "all" filter.
var AggregateVariant = VariantInfo{ID: VariantAll, Label: "Aggregate Index", Description: "All variants combined.", Color: "#0f172a"}

// Variants returns the seven variants in their canonical order.
func Variants() []VariantInfo { return append([]VariantInfo(nil), variants...) }

// DefaultVariant is the variant of a model created without one.
const DefaultVariant = Guardian

// ParseVariant returns the variant named v (exact spelling).
func ParseVariant(v string) (Variant, error) {
	for _, x := range variants {
		if string(x.ID) == v {
			return x.ID, nil
		}
	}
	return "", Errorf(CodeInvalid, "unknown variant %q", v)
}

// Info returns v's metadata.
func (v Variant) Info() VariantInfo {
	for _, x := range variants {
		if x.ID == v {
			return x
		}
	}
	return VariantInfo{ID: v, Label: string(v)}
}
