package service

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/autonome-go/autonome/shared/config"
	"github.com/autonome-go/autonome/worker/internal/marketdata/tape"
)

// createSeasonFile creates SEASON_DIR/SEASON_ID-<start>.<ext>, one of
// this worker run's season recordings (the tape, the journal, the model
// calls: one start names them all); it never overwrites a file.
func createSeasonFile(cfg config.Worker, start time.Time, ext string) (*os.File, string, error) {
	if err := os.MkdirAll(cfg.SeasonDir, 0o755); err != nil {
		return nil, "", fmt.Errorf("SEASON_DIR: %w", err)
	}
	path := filepath.Join(cfg.SeasonDir, fmt.Sprintf("%s-%s.%s", cfg.SeasonID, start.UTC().Format("20060102T150405.000Z"), ext))
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, "", fmt.Errorf("SEASON_DIR: %w", err)
	}
	return f, path, nil
}

// recordSeason makes src record the market input the simulator consumes
// into SEASON_DIR/SEASON_ID-<start>.tape (with the history the agents
// read), when SEASON_DIR is set: the tape `worker season run --tape` runs a
// roster on. The run's journal and model calls are recorded beside it
// (openJournal, openCalls).
func recordSeason(src *source, cfg config.Worker, start time.Time) (*source, error) {
	if cfg.SeasonDir == "" {
		return src, nil
	}
	f, _, err := createSeasonFile(cfg, start, "tape")
	if err != nil {
		src.close()
		return nil, err
	}
	w := bufio.NewWriterSize(f, 1<<16)
	rec := tape.NewRecorder(src.feed, w, tape.Options{Source: cfg.Feed, Markets: src.markets, History: src.history})
	closeSrc := src.close
	return &source{feed: rec, history: src.history, markets: src.markets, close: func() {
		_ = w.Flush()
		_ = f.Close()
		closeSrc()
	}}, nil
}
