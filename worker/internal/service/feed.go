package service

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/config"
	"github.com/autonome-go/autonome/worker/internal/exchange"
	"github.com/autonome-go/autonome/worker/internal/marketdata"
	"github.com/autonome-go/autonome/worker/internal/marketdata/lighter"
	"github.com/autonome-go/autonome/worker/internal/marketdata/synthetic"
	"github.com/autonome-go/autonome/worker/internal/marketdata/tape"
)

// source is the configured market feed, the history the agents read, and
// the markets it trades (with the configured fees).
type source struct {
	feed    marketdata.Feed
	history marketdata.History
	markets []arena.Market
	close   func()
}

// newSource builds the configured market feed.
func newSource(ctx context.Context, cfg config.Worker, log *slog.Logger) (*source, error) {
	switch cfg.Feed {
	case "synthetic":
		f, err := synthetic.New(synthetic.Config{Seed: uint64(cfg.SimSeed), Interval: cfg.FeedTick, Markets: withFees(cfg, arena.DefaultMarkets())})
		if err != nil {
			return nil, err
		}
		ms, _ := f.Markets(ctx)
		return &source{feed: f, history: f, markets: withFees(cfg, ms), close: func() {}}, nil
	case "lighter":
		f, err := lighter.New(lighter.Config{BaseURL: cfg.LighterBaseURL, StreamURL: cfg.LighterWSURL,
			Defaults: withFees(cfg, arena.DefaultMarkets()), Logger: log.With("part", "lighter")})
		if err != nil {
			return nil, err
		}
		ms, err := f.Markets(ctx)
		if err != nil {
			return nil, fmt.Errorf("resolve Lighter markets: %w", err)
		}
		return &source{feed: f, history: f, markets: withFees(cfg, ms), close: func() {}}, nil
	case "replay":
		file, err := os.Open(cfg.FeedTape)
		if err != nil {
			return nil, fmt.Errorf("open FEED_TAPE: %w", err)
		}
		r, err := tape.NewReplay(file, tape.ReplayOptions{Speed: cfg.FeedReplaySpeed})
		if err != nil {
			file.Close()
			return nil, fmt.Errorf("read FEED_TAPE %s: %w", cfg.FeedTape, err)
		}
		return &source{feed: r, history: r, markets: withFees(cfg, arena.DefaultMarkets()), close: func() { file.Close() }}, nil
	}
	return nil, fmt.Errorf("FEED=%q is not valid: expected synthetic, lighter or replay", cfg.Feed)
}

// withFees applies the configured fees to markets.
func withFees(cfg config.Worker, ms []arena.Market) []arena.Market {
	out := append([]arena.Market(nil), ms...)
	for i := range out {
		out[i].MakerFeeBps, out[i].TakerFeeBps = cfg.SimMakerFeeBps, cfg.SimTakerFeeBps
	}
	return out
}

// exchangeConfig maps the worker's SIM_* settings onto the exchange.
func exchangeConfig(cfg config.Worker, markets []arena.Market) exchange.Config {
	c := exchange.DefaultConfig()
	c.Markets = markets
	c.StartingCapital = cfg.SimInitialCapital
	c.TakerLatency, c.MakerLatency = cfg.SimTakerLatency, cfg.SimMakerLatency
	c.SlippageBps = cfg.SimMaxSlippageBps
	c.Seed = uint64(cfg.SimSeed)
	c.StaleAfter = cfg.SimStaleBook
	return c
}
