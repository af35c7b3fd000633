package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/marketdata"
	"github.com/autonome-go/autonome/worker/internal/marketdata/lighter"
	"github.com/autonome-go/autonome/worker/internal/marketdata/synthetic"
	"github.com/autonome-go/autonome/worker/internal/marketdata/tape"
)

type recordFlags struct {
	feed, out, symbols, start string
	duration, interval        time.Duration
	seed                      uint64
	fast, history             bool
	lighterURL, lighterStream string
}

func parseRecord(args []string, stdout io.Writer) (recordFlags, error) {
	var f recordFlags
	fs := newFlagSet("record", stdout)
	fs.StringVar(&f.feed, "feed", "synthetic", "feed to record: synthetic or lighter")
	fs.StringVar(&f.out, "out", "", "tape file to write (required)")
	fs.DurationVar(&f.duration, "duration", time.Minute, "how long to record (stream time with -fast)")
	fs.StringVar(&f.symbols, "symbols", "BTC,ETH,SOL", "comma-separated symbols")
	fs.BoolVar(&f.history, "history", true, "record candle history at the start, for replays that serve agents")
	fs.Uint64Var(&f.seed, "seed", 1, "synthetic: random seed")
	fs.DurationVar(&f.interval, "interval", 500*time.Millisecond, "synthetic: tick interval")
	fs.BoolVar(&f.fast, "fast", false, "synthetic: generate -duration of stream as fast as possible")
	fs.StringVar(&f.start, "start", "", "synthetic: stream time of the first tick, RFC 3339 (default now); with -seed and -fast it makes the tape reproducible")
	fs.StringVar(&f.lighterURL, "lighter-url", lighter.DefaultBaseURL, "lighter: REST base URL")
	fs.StringVar(&f.lighterStream, "lighter-stream-url", lighter.DefaultStreamURL, "lighter: WebSocket URL")
	if err := fs.Parse(args); err != nil {
		return f, err
	}
	switch {
	case f.out == "":
		return f, errors.New("record: -out is required")
	case f.duration <= 0:
		return f, errors.New("record: -duration must be positive")
	case f.fast && f.feed != "synthetic":
		return f, errors.New("record: -fast applies to the synthetic feed only")
	}
	return f, nil
}

// source is a feed that can name its markets and serve history.
type source interface {
	marketdata.Feed
	marketdata.History
	Markets(ctx context.Context) ([]arena.Market, error)
}

func newSource(f recordFlags, symbols []arena.Symbol) (source, error) {
	switch f.feed {
	case "synthetic":
		markets := make([]arena.Market, 0, len(symbols))
		for _, sym := range symbols {
			m, err := arena.MarketBySymbol(arena.DefaultMarkets(), sym)
			if err != nil {
				return nil, fmt.Errorf("record: synthetic markets: %w", err)
			}
			markets = append(markets, m)
		}
		cfg := synthetic.Config{Seed: f.seed, Interval: f.interval, Markets: markets, Fast: f.fast}
		if f.start != "" {
			t, err := time.Parse(time.RFC3339, f.start)
			if err != nil {
				return nil, fmt.Errorf("record: -start: %w", err)
			}
			cfg.Start = t
		}
		if f.fast {
			cfg.Ticks = int(f.duration / f.interval)
		}
		return synthetic.New(cfg)
	case "lighter":
		return lighter.New(lighter.Config{BaseURL: f.lighterURL, StreamURL: f.lighterStream, Symbols: symbols})
	}
	return nil, fmt.Errorf("record: unknown feed %q (want synthetic or lighter)", f.feed)
}

func record(ctx context.Context, args []string, stdout io.Writer) error {
	f, err := parseRecord(args, stdout)
	if err != nil {
		return err
	}
	symbols, err := parseSymbols(f.symbols)
	if err != nil {
		return err
	}
	src, err := newSource(f, symbols)
	if err != nil {
		return err
	}
	resolved, err := src.Markets(ctx)
	if err != nil {
		return fmt.Errorf("record: %w", err)
	}
	file, err := os.Create(f.out)
	if err != nil {
		return fmt.Errorf("record: %w", err)
	}
	defer file.Close()
	w := bufio.NewWriterSize(file, 1<<20)
	opts := tape.Options{Source: f.feed, Markets: resolved}
	if f.history {
		opts.History = src
	}
	var sum summary
	runCtx := ctx
	if !f.fast {
		var cancel context.CancelFunc
		runCtx, cancel = context.WithTimeout(ctx, f.duration)
		defer cancel()
	}
	err = tape.NewRecorder(src, w, opts).Run(runCtx, sum.sink())
	if err != nil && !(errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)) {
		return fmt.Errorf("record: %w", err)
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("record: write %s: %w", f.out, err)
	}
	if err := file.Close(); err != nil {
		return fmt.Errorf("record: close %s: %w", f.out, err)
	}
	fmt.Fprintf(stdout, "recorded %s from %s to %s\n", sum.headline(), f.feed, f.out)
	return nil
}

// parseSymbols parses a comma-separated symbol list.
func parseSymbols(list string) ([]arena.Symbol, error) {
	var syms []arena.Symbol
	for _, s := range strings.Split(list, ",") {
		if sym := arena.NormalizeSymbol(s); sym != "" {
			syms = append(syms, sym)
		}
	}
	if len(syms) == 0 {
		return nil, errors.New("record: -symbols is empty")
	}
	return syms, nil
}
