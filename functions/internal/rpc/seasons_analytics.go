package rpc

import (
	"context"

	"github.com/autonome-go/autonome/shared/arena"
)

// isLive reports whether a seasonId names the live arena.
func isLive(id string) bool { return id == "" || id == LiveSeason }

// seasonLeaderboard ranks an imported season's entrants over its whole run
// (the window input does not apply), each entry computed from the season's
// own tables as the comparison and the export compute it (seasonRun.entry),
// with each repeated entrant's distribution over the season's repeats.
func (a *api) seasonLeaderboard(ctx context.Context, in LeaderboardInput) (LeaderboardOutput, error) {
	run, err := a.loadSeasonRun(ctx, in.SeasonID, nil)
	if err != nil {
		return LeaderboardOutput{}, err
	}
	reps, err := a.repeatReturns(ctx, in.SeasonID)
	if err != nil {
		return LeaderboardOutput{}, err
	}
	out := LeaderboardOutput{Entries: []LeaderboardEntry{}, Window: "season", Intervals: a.intervalMethod(seasonPeriod)}
	for _, e := range run.entrants {
		if in.Variant != "" && in.Variant != arena.VariantAll && string(e.Variant) != in.Variant && e.Kind != arena.KindBaseline {
			continue
		}
		entry := run.entry(a.bootstrapFor(run.id+"\x00"+e.EntrantID), a.opts.MinRecord, e)
		entry.Repeats = a.distribution(in.SeasonID, e.EntrantID, reps[e.EntrantID])
		out.Entries = append(out.Entries, entry)
	}
	rankEntries(out.Entries, in.SortBy, in.RankBy == "lowerBound")
	return out, nil
}
