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

// recordSeason makes src record the market input the simulator consumes
// into SEASON_DIR/SEASON_ID-<start>.tape (with the history the agents
// read), when SEASON_DIR is set. This is the live season's market part
// only: the model calls, commands and configuration a bundle also needs
// are not recorded yet, so such a tape can be run offline (worker season
// run --tape) but does not reproduce the live leaderboard.
func recordSeason(src *source, cfg config.Worker, now time.Time) (*source, error) {
	if cfg.SeasonDir == "" {
		return src, nil
	}
	if err := os.MkdirAll(cfg.SeasonDir, 0o755); err != nil {
		src.close()
		return nil, fmt.Errorf("SEASON_DIR: %w", err)
	}
	path := filepath.Join(cfg.SeasonDir, fmt.Sprintf("%s-%s.tape", cfg.SeasonID, now.UTC().Format("20060102T150405Z")))
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		src.close()
		return nil, fmt.Errorf("SEASON_DIR: %w", err)
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
