package service

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/config"
	"github.com/autonome-go/autonome/worker/internal/exchange"
	"github.com/autonome-go/autonome/worker/internal/journal"
	"github.com/autonome-go/autonome/worker/internal/season"
	"github.com/autonome-go/autonome/worker/internal/simulator"
)

// openJournal starts SEASON_DIR/SEASON_ID-<start>.journal.zst, the live
// season's journal for this worker run, when SEASON_DIR is set.
func openJournal(cfg config.Worker, ex exchange.Config, now time.Time, log *slog.Logger) (*journal.Writer, error) {
	if cfg.SeasonDir == "" {
		return nil, nil
	}
	f, path, err := createSeasonFile(cfg, now, "journal.zst")
	if err != nil {
		return nil, err
	}
	h := journal.Header{Season: cfg.SeasonID, Started: now.UTC(), Code: codeVersion(), Exchange: ex,
		Settings: seasonSettings(cfg)}
	w, err := journal.NewWriter(f, h, log)
	if err != nil {
		f.Close()
		return nil, err
	}
	log.Info("recording the season's journal", "path", path, "period", cfg.SeasonPeriod)
	return w, nil
}

// runJournal flushes the journal every second and marks each period's end
// (every multiple of SEASON_PERIOD, UTC); when ctx ends it waits for the
// simulator to stop (stopped), writes the closing mark and closes the file.
func runJournal(ctx context.Context, w *journal.Writer, sim *simulator.Simulator, period time.Duration, stopped <-chan struct{}, log *slog.Logger) error {
	flush := time.NewTicker(time.Second)
	defer flush.Stop()
	next := time.Now().Truncate(period).Add(period)
	boundary := time.NewTimer(time.Until(next))
	defer boundary.Stop()
	for {
		select {
		case <-ctx.Done():
			<-stopped
			sim.Checkpoint(func(st arena.ExchangeState) { w.Mark(journal.PeriodEnd, st) })
			return w.Close()
		case <-flush.C:
			w.Flush()
		case <-boundary.C:
			label := next.Add(-period).UTC().Format(time.RFC3339)
			var m journal.Mark
			sim.Checkpoint(func(st arena.ExchangeState) { m = w.Mark(label, st) })
			log.Info("season period marked", "period", label, "state", m.State, "batches", m.Batches)
			next = next.Add(period)
			boundary.Reset(time.Until(next))
		}
	}
}

// codeVersion is the binary's VCS revision (with "+dirty" for a modified
// tree), or its module version.
func codeVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	var rev, dirty string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	if rev == "" {
		return bi.Main.Version
	}
	return rev + dirty
}

// seasonSettings are the settings that shape the season beyond the
// exchange's own configuration.
func seasonSettings(cfg config.Worker) map[string]string {
	return map[string]string{
		"FEED": cfg.Feed, "FEED_TICK": cfg.FeedTick.String(), "TRADE_INTERVAL": cfg.TradeInterval.String(),
		"TRADING_MODE": cfg.TradingMode, "SIM_DETERMINISTIC_SEED": fmt.Sprint(cfg.SimSeed),
		"SIM_REFRESH_INTERVAL": cfg.SimRefreshInterval.String(), "SEASON_ID": cfg.SeasonID, "SEASON_PERIOD": cfg.SeasonPeriod.String(),
	}
}

// openCalls starts SEASON_DIR/SEASON_ID-<start>.calls.jsonl.zst, the
// recording of every model call of this worker run, when SEASON_DIR is set.
func openCalls(cfg config.Worker, now time.Time, log *slog.Logger) (*season.CallRecorder, error) {
	if cfg.SeasonDir == "" {
		return nil, nil
	}
	f, _, err := createSeasonFile(cfg, now, "calls.jsonl.zst")
	if err != nil {
		return nil, err
	}
	r, err := season.NewCallRecorder(f, nil, log)
	if err != nil {
		f.Close()
		return nil, err
	}
	return r, nil
}
