package jobs

import (
	"context"
	"fmt"

	"github.com/hibiken/asynq"

	"github.com/autonome-go/autonome/shared/arena"
)

// PortfolioUpdate is the portfolio channel's event and state: the
// reference's {modelsUpdated, snapshotsCreated} plus when.
type PortfolioUpdate struct {
	ModelsUpdated    int    `json:"modelsUpdated"`
	SnapshotsCreated int    `json:"snapshotsCreated"`
	LastUpdatedAt    string `json:"lastUpdatedAt"`
}

// handleSnapshot writes one equity snapshot per account, valued at the
// current marks, and tells the dashboards.
func (j *Jobs) handleSnapshot(ctx context.Context, t *asynq.Task) error {
	var p SlotPayload
	if err := decode(t, &p); err != nil {
		return err
	}
	if j.late(t.Type(), p.Slot, j.o.PortfolioInterval) {
		return nil
	}
	start := j.now()
	accounts := j.o.Trader.Snapshots()
	snaps := make([]arena.EquitySnapshot, len(accounts))
	for i, a := range accounts {
		snaps[i] = arena.EquitySnapshot{ModelID: a.AccountID, Equity: a.Equity}
	}
	n, err := j.o.Store.InsertSnapshots(ctx, start, snaps)
	j.health.portfolio(start, err == nil)
	if err != nil {
		return err
	}
	up := PortfolioUpdate{ModelsUpdated: n, SnapshotsCreated: n, LastUpdatedAt: start.UTC().Format("2006-01-02T15:04:05.000Z")}
	if _, err := j.o.Events.PublishState(ctx, arena.ChannelPortfolio, arena.EventPortfolioUpdated, up, up); err != nil {
		j.log.Warn("portfolio update not published", "err", err)
	}
	return nil
}

// handleRetention rolls old snapshots up (raw → hourly after 7 days,
// hourly → daily after 30) and forgets cycles older than 30 days.
func (j *Jobs) handleRetention(ctx context.Context, t *asynq.Task) error {
	now := j.now()
	r, err := j.o.Store.RollUpSnapshots(ctx, now, RetentionRawAge, RetentionHourAge)
	if err != nil {
		return err
	}
	cycles, err := j.o.Store.DeleteCyclesBefore(ctx, now.Add(-cycleHistory))
	if err != nil {
		return fmt.Errorf("retention: %w", err)
	}
	j.log.Info("snapshot retention done", "rawRolled", r.RawRolled, "hourRows", r.HourRows, "hourRolled", r.HourRolled,
		"dayRows", r.DayRows, "cyclesDeleted", cycles)
	return nil
}
