package rpc

import (
	"context"

	"github.com/autonome-go/autonome/shared/arena"
)

// isLive reports whether a seasonId names the live arena.
func isLive(id string) bool { return id == "" || id == LiveSeason }

// seasonLeaderboard ranks an imported season's entrants over its whole run
// (the window input does not apply), each entry computed from the season's
// own tables as the comparison and the export compute it (seasonRun.entry).
func (a *api) seasonLeaderboard(ctx context.Context, in LeaderboardInput) (LeaderboardOutput, error) {
	run, err := a.loadSeasonRun(ctx, in.SeasonID, nil)
	if err != nil {
		return LeaderboardOutput{}, err
	}
	out := LeaderboardOutput{Entries: []LeaderboardEntry{}, Window: "season", Intervals: a.intervalMethod(seasonPeriod)}
	for _, e := range run.entrants {
		if in.Variant != "" && in.Variant != arena.VariantAll && string(e.Variant) != in.Variant && e.Kind != arena.KindBaseline {
			continue
		}
		out.Entries = append(out.Entries, run.entry(a.bootstrapFor(run.id+"\x00"+e.EntrantID), a.opts.MinRecord, e))
	}
	rankEntries(out.Entries, in.SortBy, in.RankBy == "lowerBound")
	return out, nil
}
