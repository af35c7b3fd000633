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
// season's journal from this worker run's start to the end of the period
// (runJournal starts one per period after it), when SEASON_DIR is set.
// models are the seats, recorded as the journal's roster.
func openJournal(cfg config.Worker, ex exchange.Config, models []arena.Model, now time.Time, log *slog.Logger) (*journal.Writer, error) {
	if cfg.SeasonDir == "" {
		return nil, nil
	}
	f, path, err := createSeasonFile(cfg, now, "journal.zst")
	if err != nil {
		return nil, err
	}
	h := journal.Header{Season: cfg.SeasonID, Period: journal.PeriodOf(now, cfg.SeasonPeriod), Length: cfg.SeasonPeriod,
		Started: now.UTC(), Code: codeVersion(), Exchange: ex, Settings: seasonSettings(cfg)}
	for _, m := range models {
		h.Entrants = append(h.Entrants, journal.Entrant{AccountID: m.ID, Name: m.Name, Variant: m.Variant, Kind: m.Kind,
			Provider: m.Provider, Model: m.ProviderModel})
	}
	w, err := journal.NewWriter(f, h, log)
	if err != nil {
		f.Close()
		return nil, err
	}
	log.Info("recording the season's journal", "path", path, "period", cfg.SeasonPeriod)
	return w, nil
}

// runJournal flushes the journal every second and, at each period's end
// (every multiple of SEASON_PERIOD, UTC), closes the period's journal with
// its mark and continues in SEASON_DIR/SEASON_ID-<boundary>.journal.zst,
// which starts from the exchange's whole state at the boundary; when ctx
// ends it waits for the simulator to stop (stopped), writes the closing
// mark and closes the file. A new file that cannot be created leaves the
// journal stopped (logged): trading goes on.
func runJournal(ctx context.Context, cfg config.Worker, w *journal.Writer, sim *simulator.Simulator, stopped <-chan struct{}, log *slog.Logger) error {
	period := cfg.SeasonPeriod
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
			label := journal.PeriodOf(next.Add(-period), period)
			f, path, err := createSeasonFile(cfg, next, "journal.zst")
			var m journal.Mark
			if err != nil {
				log.Error("the season journal stopped: the next period's file cannot be created", "err", err)
				sim.Checkpoint(func(st arena.ExchangeState) { m = w.Mark(label, st) })
			} else {
				sim.Checkpoint(func(st arena.ExchangeState) { m, err = w.Rotate(f, label, journal.PeriodOf(next, period), st) })
				if err != nil {
					log.Error("the season journal stopped", "path", path, "err", err)
				}
			}
			log.Info("season period marked", "period", label, "state", m.State, "batches", m.Batches, "next", path)
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
