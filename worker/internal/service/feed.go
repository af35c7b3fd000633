package service

import (
	"fmt"
	"log/slog"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/config"
	"github.com/autonome-go/autonome/worker/internal/exchange"
	"github.com/autonome-go/autonome/worker/internal/marketdata"
	"github.com/autonome-go/autonome/worker/internal/marketdata/synthetic"
)

// newFeed builds the configured market feed.
func newFeed(cfg config.Worker, log *slog.Logger) (marketdata.Feed, error) {
	switch cfg.Feed {
	case "synthetic":
		return synthetic.New(synthetic.Config{Seed: uint64(cfg.SimSeed), Interval: cfg.FeedTick, Markets: markets(cfg)})
	}
	return nil, fmt.Errorf("FEED=%s is not wired into the worker yet", cfg.Feed)
}

// markets applies the configured fees to the default markets.
func markets(cfg config.Worker) []arena.Market {
	ms := arena.DefaultMarkets()
	for i := range ms {
		ms[i].MakerFeeBps, ms[i].TakerFeeBps = cfg.SimMakerFeeBps, cfg.SimTakerFeeBps
	}
	return ms
}

// exchangeConfig maps the worker's SIM_* settings onto the exchange.
func exchangeConfig(cfg config.Worker) exchange.Config {
	c := exchange.DefaultConfig()
	c.Markets = markets(cfg)
	c.StartingCapital = cfg.SimInitialCapital
	c.TakerLatency, c.MakerLatency = cfg.SimTakerLatency, cfg.SimMakerLatency
	c.SlippageBps = cfg.SimMaxSlippageBps
	c.Seed = uint64(cfg.SimSeed)
	c.StaleAfter = cfg.SimStaleBook
	return c
}
