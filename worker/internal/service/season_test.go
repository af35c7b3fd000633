package service

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/config"
	"github.com/autonome-go/autonome/worker/internal/marketdata"
	"github.com/autonome-go/autonome/worker/internal/marketdata/synthetic"
	"github.com/autonome-go/autonome/worker/internal/marketdata/tape"
)

// With SEASON_DIR set, the feed the simulator consumes is written to a
// tape, message for message, with the agents' history.
func TestRecordSeasonWritesTheConsumedFeed(t *testing.T) {
	dir := t.TempDir()
	f, err := synthetic.New(synthetic.Config{Seed: 3, Interval: time.Second, Start: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), Fast: true, Ticks: 50})
	if err != nil {
		t.Fatal(err)
	}
	src := &source{feed: f, history: f, markets: arena.DefaultMarkets(), close: func() {}}
	cfg := config.Worker{Feed: "synthetic", SeasonDir: dir, SeasonID: "live"}
	rec, err := recordSeason(src, cfg, time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	var consumed int
	err = rec.feed.Run(t.Context(), marketdata.SinkFunc(func(context.Context, marketdata.Message) error { consumed++; return nil }))
	rec.close()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "live-20260102T030405.000Z.tape"))
	if err != nil {
		t.Fatal(err)
	}
	tp, err := tape.Load(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if consumed == 0 || len(tp.Messages) != consumed || tp.Header.Source != "synthetic" || len(tp.Candles) == 0 {
		t.Fatalf("recorded %d messages (%d candles, source %q), the simulator consumed %d", len(tp.Messages), len(tp.Candles), tp.Header.Source, consumed)
	}
}
