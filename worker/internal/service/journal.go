package service

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/config"
	"github.com/autonome-go/autonome/shared/postgres"
	"github.com/autonome-go/autonome/worker/internal/exchange"
	"github.com/autonome-go/autonome/worker/internal/journal"
	"github.com/autonome-go/autonome/worker/internal/season"
	"github.com/autonome-go/autonome/worker/internal/seasonimport"
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

// runExports runs exportPeriods at start and whenever due says so, one at
// a time, until ctx ends.
func runExports(ctx context.Context, cfg config.Worker, pool *pgxpool.Pool, due <-chan struct{}, log *slog.Logger) error {
	for {
		exportPeriods(ctx, cfg, pool, time.Now(), log)
		select {
		case <-ctx.Done():
			return nil
		case <-due:
		}
	}
}

// runJournal flushes the journal every second and, at each period's end
// (every multiple of SEASON_PERIOD, UTC), closes the period's journal with
// its mark and continues in SEASON_DIR/SEASON_ID-<boundary>.journal.zst,
// which starts from the exchange's whole state at the boundary; when ctx
// ends it waits for the simulator to stop (stopped), writes the closing
// mark and closes the file. A new file that cannot be created leaves the
// journal stopped (logged): trading goes on.
func runJournal(ctx context.Context, cfg config.Worker, w *journal.Writer, sim *simulator.Simulator, stopped <-chan struct{}, exports chan<- struct{}, log *slog.Logger) error {
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
			select {
			case exports <- struct{}{}:
			default: // an export is already due
			}
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

// exportPeriods writes SEASON_DIR/<period's id>.tar.zst (worker season
// export's bundle) for every period of the live season that is over
// (before the one now is in) and has no bundle yet, and imports it into
// PostgreSQL, where the Seasons page lists it. It runs at start (catching
// up on periods a stopped worker did not export) and after each period's
// cut. A period that does not export (a journal that does not replay) is
// logged and left for the next try; it never stops trading.
func exportPeriods(ctx context.Context, cfg config.Worker, pool *pgxpool.Pool, now time.Time, log *slog.Logger) {
	periods, err := season.LivePeriods(cfg.SeasonDir, cfg.SeasonID)
	if err != nil {
		log.Error("live season: listing the recorded periods", "err", err)
		return
	}
	current := journal.PeriodOf(now, cfg.SeasonPeriod)
	for _, p := range periods {
		if p >= current || ctx.Err() != nil {
			return // RFC 3339 UTC labels sort by time
		}
		start, _ := time.Parse(time.RFC3339, p)
		path := filepath.Join(cfg.SeasonDir, season.LiveID(cfg.SeasonID, start)+".tar.zst")
		if _, err := os.Stat(path); err == nil {
			continue
		}
		m, files, res, err := season.ExportLive(cfg.SeasonDir, cfg.SeasonID, p, season.LiveOptions{Decisions: periodDecisions(ctx, pool)})
		if err == nil {
			err = season.WriteFile(path, m, files)
		}
		if err != nil {
			log.Error("live season: the period does not export", "period", p, "err", err)
			continue
		}
		out, err := seasonimport.ImportFile(ctx, pool, path, seasonimport.Options{Parallel: 1})
		if err != nil {
			log.Error("live season: the period's bundle does not import", "period", p, "path", path, "err", err)
			continue
		}
		log.Info("live season: period exported and imported", "period", p, "path", path, "result", m.ResultHash,
			"complete", res.Complete, "season", out.Season.ID)
	}
}

// periodDecisions reads the agents' turns in [start, end) from PostgreSQL
// for a live period's bundle, oldest first: responses and tool call
// metadata cut to 4 KiB, at most 50 tool calls a turn.
func periodDecisions(ctx context.Context, pool *pgxpool.Pool) func(start, end time.Time) ([]season.LiveDecision, error) {
	r := postgres.NewReader(pool)
	return func(start, end time.Time) ([]season.LiveDecision, error) {
		var out []season.LiveDecision
		before := &arena.InvocationCursor{CreatedAt: end}
		for {
			page, err := r.Invocations(ctx, arena.InvocationFilter{Limit: 500, ToolLimit: 50, Before: before, TextLimit: 4 << 10,
				PayloadLimit: 1}) // PayloadLimit 1: the payload is not kept
			if err != nil {
				return nil, err
			}
			for _, inv := range page {
				if inv.CreatedAt.Before(start) {
					slices.Reverse(out)
					return out, nil
				}
				d := season.LiveDecision{Entrant: inv.ModelID, Invocation: inv.ID, At: inv.CreatedAt, Response: inv.Response, Failure: inv.FailureReason,
					ToolCalls: make([]season.LiveAction, 0, len(inv.ToolCalls)), InputTokens: inv.InputTokens,
					OutputTokens: inv.OutputTokens, CostUSD: inv.CostUSD, LatencyMS: inv.LatencyMS}
				if inv.Status == arena.StatusFailed && d.Failure == "" {
					d.Failure = "failed"
				}
				for _, tc := range inv.ToolCalls {
					d.ToolCalls = append(d.ToolCalls, season.LiveAction{Type: string(tc.Type), Metadata: tc.Metadata, Failed: !tc.Success})
				}
				out = append(out, d)
			}
			if len(page) < 500 {
				slices.Reverse(out)
				return out, nil
			}
			last := page[len(page)-1]
			before = &arena.InvocationCursor{CreatedAt: last.CreatedAt, ID: last.ID}
		}
	}
}
