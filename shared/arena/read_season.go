package arena

import (
	"encoding/json"
	"time"
)

// SeasonRecord is one imported season bundle: its manifest, configuration and
// leaderboard as JSON documents (their shapes are worker/internal/season's
// Manifest, Config and []Row), and whether a replay reproduced its result.
type SeasonRecord struct {
	ID               string
	ParentID         string // "" for a season that is no A/B derivative
	ParentResultHash string
	Swap             string
	Start, End       time.Time
	Entrants         int
	ResultHash       string
	BundleSHA256     string
	BundleBytes      int64
	Manifest         json.RawMessage
	Config           json.RawMessage
	Leaderboard      json.RawMessage
	Verified         bool
	VerifyError      string
	VerifiedAt       time.Time // zero when never verified
	ImportedAt       time.Time
	Name             string          // display name ("" : the id)
	Methodology      json.RawMessage // the methodology card (worker/internal/seasonimport.Card)
	Source           string          // SeasonFromBundle or SeasonLive
}

// Where a season came from (stored as the season's source).
const (
	SeasonFromBundle = "bundle" // worker season import
	SeasonLive       = "live"   // the live worker's own season (SEASON_*)
)

// Verification states of a season, as Status reports them.
const (
	SeasonReplayed  = "replayed"  // checksums checked and replayed to the manifest's result hash
	SeasonFailed    = "failed"    // the replay did not reproduce the result hash (VerifyError says how)
	SeasonChecksums = "checksums" // checksums checked, not replayed
	SeasonRecorded  = "recorded"  // written by the live worker, not verified
)

// Status is the season's verification state.
func (s *SeasonRecord) Status() string {
	switch {
	case s.Verified:
		return SeasonReplayed
	case s.VerifyError != "":
		return SeasonFailed
	case s.Source == SeasonLive:
		return SeasonRecorded
	}
	return SeasonChecksums
}

// SeasonEntrant is one line of a season's leaderboard.
type SeasonEntrant struct {
	EntrantID   string
	Position    int // roster order
	Rank        int
	Name        string
	Variant     Variant
	Kind        ModelKind
	Model       string // provider model id as called
	Provider    Provider
	Capital     Fixed
	Equity      Fixed
	ReturnPct   Fixed
	RealizedPnL Fixed
	Fees        Fixed
	Funding     Fixed
	Fills       int
	Decisions   int
	Failed      int
	Skipped     int
}

// SeasonEquity is an entrant's equity at a time.
type SeasonEquity struct {
	EntrantID string
	At        time.Time
	Equity    Fixed
}

// SeasonDecision is one model turn of a season, summarised.
type SeasonDecision struct {
	EntrantID    string
	Slot         time.Time
	Actions      json.RawMessage // [{name, arguments, output, failed}]
	Digest       string          // of the calls made: equal digests, equal decisions
	Response     string
	Failure      string
	InputTokens  int64
	OutputTokens int64
	CostUSD      Fixed
	LatencyMS    int64
}
