package arena

import "time"

// What the decision schedule records: each slot's cycle of decisions and
// each account's equity snapshots, kept for a while and then rolled up.

// Cycle outcomes of one model (stored with its turn of the cycle).
const (
	OutcomeSuccess = "success"
	OutcomeFailed  = "failed"
	OutcomeSkipped = "skipped"
)

// CycleResult is a finished decision cycle.
type CycleResult struct {
	Slot                       time.Time
	StartedAt, FinishedAt      time.Time
	Models                     int
	Succeeded, Failed, Skipped int
	ModelIDs                   []string // the models of the cycle, in id order
}

// EquitySnapshot is one model's account equity at a time.
type EquitySnapshot struct {
	ModelID string
	Equity  Fixed
}

// SnapshotRollUp is what one retention run of the equity snapshots changed.
type SnapshotRollUp struct {
	RawRolled   int64 // raw rows replaced by hourly rows
	HourRows    int64 // hourly rows written (inserted or merged)
	HourRolled  int64 // hourly rows replaced by daily rows
	DayRows     int64 // daily rows written (inserted or merged)
	RawBefore   time.Time
	HoursBefore time.Time
}
