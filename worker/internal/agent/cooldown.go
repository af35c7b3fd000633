package agent

import (
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

// cooldownsFrom reads, from a model's earlier decisions, the cooldowns of
// the opens that executed and still run at now, by symbol (the latest when
// several).
func cooldownsFrom(ds []pastDecision, now time.Time) map[arena.Symbol]time.Time {
	out := map[arena.Symbol]time.Time{}
	for _, d := range ds {
		if !d.result.Success || d.result.Action != arena.ActionOpen || d.CooldownUntil == nil {
			continue
		}
		if until := *d.CooldownUntil; until.After(now) && until.After(out[d.Symbol]) {
			out[d.Symbol] = until
		}
	}
	return out
}
