package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/marketdata"
	"github.com/autonome-go/autonome/worker/internal/marketdata/tape"
)

func replay(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlagSet("replay", stdout)
	in := fs.String("in", "", "tape file to replay (required)")
	speed := fs.Float64("speed", 0, "pace: 0 as fast as possible, 1 the recorded pace, 2 twice as fast")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *in == "" {
		return errors.New("replay: -in is required")
	}
	file, err := os.Open(*in)
	if err != nil {
		return fmt.Errorf("replay: %w", err)
	}
	defer file.Close()
	p, err := tape.NewReplay(bufio.NewReaderSize(file, 1<<20), tape.ReplayOptions{Speed: *speed})
	if err != nil {
		return fmt.Errorf("replay %s: %w", *in, err)
	}
	var sum summary
	if err := p.Run(ctx, sum.sink()); err != nil {
		return fmt.Errorf("replay %s: %w", *in, err)
	}
	h := p.Header()
	fmt.Fprintf(stdout, "tape %s: source %s, markets %s\n", *in, h.Source, marketList(h.Markets))
	fmt.Fprintf(stdout, "replayed %s\n", sum.headline())
	if err := sum.write(stdout); err != nil {
		return err
	}
	return writeHistory(ctx, stdout, p, h.Markets)
}

func marketList(ms []arena.Market) string {
	if len(ms) == 0 {
		return "(none listed)"
	}
	names := make([]string, len(ms))
	for i, m := range ms {
		names[i] = fmt.Sprintf("%s(#%d tick %s lot %s)", m.Symbol, m.MarketID, m.TickSize, m.LotSize)
	}
	return strings.Join(names, ", ")
}

// writeHistory prints what the replay can tell an agent: the bars it holds
// at the end of the tape.
func writeHistory(ctx context.Context, w io.Writer, h marketdata.History, ms []arena.Market) error {
	syms := arena.Symbols(ms)
	slices.Sort(syms)
	for _, sym := range syms {
		var parts []string
		for _, c := range []struct {
			res  string
			n    int
			bars func() ([]arena.Candle, error)
		}{
			{"5m", marketdata.Bars5m, func() ([]arena.Candle, error) { return h.Candles(ctx, sym, marketdata.Resolution5m, marketdata.Bars5m) }},
			{"4h", marketdata.Bars4h, func() ([]arena.Candle, error) { return h.Candles(ctx, sym, marketdata.Resolution4h, marketdata.Bars4h) }},
		} {
			bars, err := c.bars()
			if err != nil {
				return fmt.Errorf("replay history %s %s: %w", sym, c.res, err)
			}
			last := "-"
			if len(bars) > 0 {
				last = fmt.Sprintf("%.2f", bars[len(bars)-1].Close)
			}
			parts = append(parts, fmt.Sprintf("%d×%s (last close %s)", len(bars), c.res, last))
		}
		fmt.Fprintf(w, "history %s: %s\n", sym, strings.Join(parts, ", "))
	}
	return nil
}
