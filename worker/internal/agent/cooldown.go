package agent

import (
	"encoding/json"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

// cooldownsFrom reads, from createPosition tool call metadata documents,
// the cooldowns of the opens that executed and still run at now, by
// symbol (the latest when several).
func cooldownsFrom(docs []string, now time.Time) map[arena.Symbol]time.Time {
	out := map[arena.Symbol]time.Time{}
	for _, doc := range docs {
		var m struct {
			Decisions []struct {
				Symbol        arena.Symbol `json:"symbol"`
				CooldownUntil time.Time    `json:"cooldownUntil"`
			} `json:"decisions"`
			Results []struct {
				Action  string `json:"action"`
				Success bool   `json:"success"`
			} `json:"results"`
		}
		if json.Unmarshal([]byte(doc), &m) != nil {
			continue
		}
		for i, d := range m.Decisions {
			if i >= len(m.Results) || !m.Results[i].Success || m.Results[i].Action != arena.ActionOpen {
				continue
			}
			if d.CooldownUntil.After(now) && d.CooldownUntil.After(out[d.Symbol]) {
				out[d.Symbol] = d.CooldownUntil
			}
		}
	}
	return out
}
