package seasonimport

import "time"

// Cutoff is what is known of when a model's training data ends.
type Cutoff struct {
	// Cutoff is the training-data cutoff its vendor documents; zero when
	// the vendor documents none.
	Cutoff time.Time
	// Released is the model's public release: its training data cannot
	// reach past it, so it bounds an unknown cutoff from above.
	Released time.Time
	Source   string // where the dates come from
}

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err) // the table below is constant
	}
	return t
}

// Cutoffs is the one table of training cutoffs, by provider model id as
// called. Add a model here when its vendor documents a cutoff or when it
// joins the roster. A model missing from the table is "unknown"; the card
// says so rather than guessing. None of the vendors of the default roster
// documents a cutoff in its model card, so only their release dates (an
// upper bound) are listed.
var Cutoffs = map[string]Cutoff{
	"deepseek-ai/deepseek-v3.1-terminus": {Released: day("2025-09-22"), Source: "DeepSeek release notes (V3.1-Terminus, 2025-09-22); no cutoff documented"},
	"minimaxai/minimax-m2":               {Released: day("2025-10-27"), Source: "MiniMax release (M2, 2025-10-27); no cutoff documented"},
	"moonshotai/kimi-k2-thinking":        {Released: day("2025-11-06"), Source: "Moonshot AI release (Kimi K2 Thinking, 2025-11-06); no cutoff documented"},
}

// Exposure says whether a model can have seen a tape's period in training.
type Exposure string

// Exposures.
const (
	Unseen        Exposure = "unseen"         // cutoff (or release) before the tape starts
	Seen          Exposure = "seen"           // documented cutoff after the tape's start: flagged
	PossiblySeen  Exposure = "possibly_seen"  // no documented cutoff, released after the tape's start: flagged
	UnknownCutoff Exposure = "unknown"        // not in the table
	NotTrained    Exposure = "not_applicable" // a built-in baseline
)

// exposure judges a model against a tape starting at start.
func exposure(model string, baseline bool, start time.Time) (Cutoff, Exposure) {
	if baseline {
		return Cutoff{}, NotTrained
	}
	c, ok := Cutoffs[model]
	switch {
	case !ok:
		return c, UnknownCutoff
	case !c.Cutoff.IsZero() && c.Cutoff.After(start):
		return c, Seen
	case !c.Cutoff.IsZero():
		return c, Unseen
	case c.Released.After(start):
		return c, PossiblySeen
	}
	return c, Unseen
}
