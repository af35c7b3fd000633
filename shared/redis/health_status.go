package redis

import "time"

// Health thresholds, as the reference's /health applies them.
const (
	TradeMaxAge          = 10 * time.Minute // a cycle must have started this recently
	TradeSuccessWindow   = 15 * time.Minute // and one must have succeeded this recently (or the worker is this new)
	TradeMaxFailedCycles = 3                // fewer consecutive failed cycles than this
	PortfolioMaxAge      = 2 * time.Minute  // a snapshot run must have happened this recently
	FeedMaxAge           = 30 * time.Second // a book update must have arrived this recently
)

// TradeHealthy reports whether the decision scheduler is healthy at now:
// its last cycle started less than TradeMaxAge ago, a cycle succeeded within
// TradeSuccessWindow (or the worker started within it), and fewer than
// TradeMaxFailedCycles cycles failed in a row.
func (s *SchedulerHealth) TradeHealthy(now time.Time) bool {
	t := s.Trade
	if t.LastRun.IsZero() || now.Sub(t.LastRun) >= TradeMaxAge {
		return false
	}
	recent := !t.LastSuccess.IsZero() && now.Sub(t.LastSuccess) < TradeSuccessWindow
	isNew := !s.WorkerStartedAt.IsZero() && now.Sub(s.WorkerStartedAt) < TradeSuccessWindow
	return (recent || isNew) && t.ConsecutiveFailedCycles < TradeMaxFailedCycles
}

// PortfolioHealthy reports whether a snapshot run happened less than
// PortfolioMaxAge before now.
func (s *SchedulerHealth) PortfolioHealthy(now time.Time) bool {
	return !s.Portfolio.LastRun.IsZero() && now.Sub(s.Portfolio.LastRun) < PortfolioMaxAge
}

// LiveHealthy reports whether every live seat is healthy (true without
// live seats).
func (s *SchedulerHealth) LiveHealthy() bool {
	for _, l := range s.Live {
		if !l.Healthy {
			return false
		}
	}
	return true
}

// FeedHealthy reports whether market data arrived less than FeedMaxAge
// before now.
func (s *SchedulerHealth) FeedHealthy(now time.Time) bool {
	return !s.Feed.LastUpdate.IsZero() && now.Sub(s.Feed.LastUpdate) < FeedMaxAge
}
