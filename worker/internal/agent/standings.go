package agent

import (
	"cmp"
	"slices"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/prompt"
)

// How much of the competition a model is shown, as in the reference.
const (
	shownStandings     = 5 // top rows of the leaderboard
	shownLeaders       = 5 // leaders whose open positions are listed
	shownLeaderEntries = 5 // positions listed at most
)

// standing is one account of a variant's competition.
type standing struct {
	id        string
	name      string
	pnlPct    float64 // over the leaderboard window, to now
	positions []arena.PositionSnapshot
}

// rankStandings ranks, per variant, the active accounts competing in it:
// the variant's models and every baseline (the yardsticks of every
// variant). The return of each runs from its first snapshot of the window
// (or its capital when it has none) to its equity now.
func rankStandings(models []arena.AgentModel, snaps []arena.AccountSnapshot, windowStart map[string]arena.Fixed) map[arena.Variant][]standing {
	byID := make(map[string]*arena.AccountSnapshot, len(snaps))
	for i := range snaps {
		byID[snaps[i].AccountID] = &snaps[i]
	}
	var all []standing
	var variantOf []arena.Variant // "" for baselines
	for _, m := range models {
		a := byID[m.ID]
		if !m.Active || a == nil {
			continue
		}
		start, ok := windowStart[m.ID]
		if !ok || start <= 0 {
			start = a.Capital
		}
		s := standing{id: m.ID, name: m.Name, positions: openPositions(a)}
		if start > 0 {
			s.pnlPct = (a.Equity - start).Float64() / start.Float64() * 100
		}
		all = append(all, s)
		if m.Kind == arena.KindBaseline {
			variantOf = append(variantOf, "")
		} else {
			variantOf = append(variantOf, m.Variant)
		}
	}
	out := make(map[arena.Variant][]standing, len(arena.Variants()))
	for _, v := range arena.Variants() {
		var rows []standing
		for i, s := range all {
			if variantOf[i] == "" || variantOf[i] == v.ID {
				rows = append(rows, s)
			}
		}
		slices.SortStableFunc(rows, func(a, b standing) int {
			return cmp.Or(cmp.Compare(b.pnlPct, a.pnlPct), cmp.Compare(a.name, b.name), cmp.Compare(a.id, b.id))
		})
		out[v.ID] = rows
	}
	return out
}

func openPositions(a *arena.AccountSnapshot) []arena.PositionSnapshot {
	var out []arena.PositionSnapshot
	for _, p := range a.Positions {
		if p.Quantity > 0 {
			out = append(out, p)
		}
	}
	return out
}

// competition is what model id is shown of its variant's standings: the top
// rows and its own, how far it trails the leader, and the leaders' open
// positions.
func competition(rows []standing, v arena.Variant, id string) prompt.Competition {
	c := prompt.Competition{Variant: v}
	self := slices.IndexFunc(rows, func(s standing) bool { return s.id == id })
	for i, s := range rows {
		if i < shownStandings || i == self {
			c.Standings = append(c.Standings, prompt.Standing{Rank: i + 1, Name: s.name, PnLPct: s.pnlPct, Self: i == self})
		}
	}
	if self > 0 {
		c.LeaderGapPP = rows[0].pnlPct - rows[self].pnlPct
	}
	leaders := 0
	for i, s := range rows {
		if i == self {
			continue
		}
		if leaders++; leaders > shownLeaders {
			break
		}
		for _, p := range s.positions {
			if len(c.LeaderPositions) == shownLeaderEntries {
				return c
			}
			c.LeaderPositions = append(c.LeaderPositions, prompt.CompetitorPosition{Name: s.name, Symbol: p.Symbol, Side: p.Side, Leverage: p.Leverage})
		}
	}
	return c
}
