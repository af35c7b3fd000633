package arena

import "time"

// Widths of the equity buckets the store maintains (the last, first, high
// and low snapshot of each account per bucket), so that a read over a long
// range touches a bounded number of rows.
const (
	Bucket5m  = 5 * time.Minute
	Bucket15m = 15 * time.Minute
	Bucket1h  = time.Hour
	Bucket4h  = 4 * time.Hour
	Bucket1d  = 24 * time.Hour
)

// Cents converts whole cents (an equity snapshot's value × 100) to Fixed.
func Cents(c int64) Fixed { return Fixed(c * (FixedScale / 100)) }

// EquityPoint is the last snapshot of one model in one time bucket.
type EquityPoint struct {
	ModelID     string
	BucketStart time.Time
	ID          string // the snapshot's id
	Cents       int64  // its netPortfolio in cents
	At          time.Time
	UpdatedAt   time.Time
}

// EquitySpan summarises the equity of one model over a span of time: a
// single snapshot (Width 0) or a bucket. Drawdown is the largest fall from
// the running peak inside the span, as a fraction.
type EquitySpan struct {
	ModelID                string
	Width                  time.Duration
	Start                  time.Time
	First, Last, High, Low int64 // cents
	Drawdown               float64
	LastAt                 time.Time
	Points                 int // snapshots in the span
}

// HourlySum is the sum and count of every snapshot of a group of models
// in one hour: their mean is SumCents / Points. A rolled-up snapshot counts
// as the raw snapshots it replaced.
type HourlySum struct {
	Group     string // the models' variant
	HourStart time.Time
	SumCents  int64
	Points    int64
}
