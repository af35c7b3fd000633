package views

import (
	"github.com/autonome-go/autonome/shared/arena"
)

// BaselineVariant is what the variant fields of a built-in baseline's
// account show. Baselines follow no persona: the "Models" row must name
// one (the column is NOT NULL), but they are yardsticks listed in every
// competition, so no answer or event labels them with that persona.
const BaselineVariant arena.Variant = "baseline"

// Variant is the variant to show for account m: its persona, or
// BaselineVariant for a baseline.
func Variant(m arena.Model) arena.Variant {
	if m.Kind == arena.KindBaseline {
		return BaselineVariant
	}
	return m.Variant
}
