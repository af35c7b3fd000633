package rpc

import (
	"context"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

// Store is the read model the procedures answer from, in domain types (the
// Postgres adapter's Reader implements it; the API's wiring hands it over).
// Reads are bounded: the store keeps the equity buckets, hourly and daily
// activity and trade statistics up to date as it writes, so no read scans
// raw history. A failed read carries an arena code (unavailable, timeout
// or internal) so that the procedures answer without knowing the database.
type Store interface {
	// The roster and the accounts.
	Models(ctx context.Context) ([]arena.Model, error)
	Accounts(ctx context.Context, ids []string) ([]arena.Account, error)
	OpenPositions(ctx context.Context, ids []string) ([]arena.Position, error)
	Trades(ctx context.Context, ids []string, limit int) ([]arena.Position, error)
	CompletedTrades(ctx context.Context, modelID string, limit int) ([]arena.CompletedTrade, error)
	Invocations(ctx context.Context, f arena.InvocationFilter) ([]arena.InvocationRecord, error)

	// Activity: all time, or from a time on; trade statistics.
	ActivityTotals(ctx context.Context, ids []string) (map[string]arena.Activity, error)
	ActivityWindow(ctx context.Context, ids []string, from time.Time) (map[string]arena.Activity, error)
	TradeStats(ctx context.Context, ids []string) (map[string]arena.TradeStats, error)

	// Equity: the run's first snapshot, snapshot ranges, the last snapshot
	// per bucket (one minute or an arena.Bucket* width), spans of buckets,
	// the latest value and daily closes (cents), and variants' hourly sums.
	RunStart(ctx context.Context) (t time.Time, ok bool, err error)
	SnapshotRange(ctx context.Context, ids []string, from, to time.Time) (first, last time.Time, ok bool, err error)
	LastPerBucket(ctx context.Context, ids []string, width time.Duration, from, to time.Time) ([]arena.EquityPoint, error)
	EquitySpans(ctx context.Context, ids []string, from time.Time, widths ...time.Duration) ([]arena.EquitySpan, error)
	LatestEquity(ctx context.Context, ids []string) (map[string]int64, error)
	DailyCloses(ctx context.Context, ids []string) (map[string][]int64, error)
	VariantHourlySums(ctx context.Context, from time.Time) ([]arena.HourlySum, error)

	// Stored seasons: Season is arena.CodeNotFound for an unknown id.
	Seasons(ctx context.Context) ([]arena.SeasonRecord, error)
	Season(ctx context.Context, id string) (arena.SeasonRecord, error)
	SeasonEntrants(ctx context.Context, id string) ([]arena.SeasonEntrant, error)
	SeasonEquity(ctx context.Context, id string, ids []string) ([]arena.SeasonEquity, error)
	SeasonTrades(ctx context.Context, id string, ids []string) ([]arena.Position, error)
	SeasonDecisions(ctx context.Context, id, entrant string, limit int) ([]arena.SeasonDecision, error)
	SeasonFailures(ctx context.Context, id string, ids []string, limit int) ([]arena.SeasonDecision, error)
	SeasonActivity(ctx context.Context, id string) (map[string]arena.Activity, error)
	SeasonTradeStats(ctx context.Context, id string) (map[string]arena.TradeStats, error)
}
