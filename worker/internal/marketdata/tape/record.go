package tape

import (
	"context"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/marketdata"
)

// Options describe what a Recorder writes besides the messages.
type Options struct {
	Source  string         // written in the header
	Markets []arena.Market // written in the header; their symbols select the history recorded
	// History, when set, is asked for candles of every market at each
	// resolution in HistoryBars before the feed starts, and they are written
	// to the tape so that a replay can answer the agents too.
	History     marketdata.History
	HistoryBars map[time.Duration]int // bars per resolution; default 300 five-minute and 100 four-hour
}

var defaultHistoryBars = map[time.Duration]int{marketdata.Resolution5m: 300, marketdata.Resolution4h: 100}

// Recorder is a Feed that runs another feed and writes every message it
// delivers to a tape before passing it on. It writes each line with one
// Write call; give it a buffered writer (and flush it after Run) for files.
type Recorder struct {
	feed marketdata.Feed
	w    io.Writer
	opts Options
	buf  []byte
}

var _ marketdata.Feed = (*Recorder)(nil)

// NewRecorder returns a Recorder of feed onto w.
func NewRecorder(feed marketdata.Feed, w io.Writer, opts Options) *Recorder {
	if opts.HistoryBars == nil {
		opts.HistoryBars = defaultHistoryBars
	}
	return &Recorder{feed: feed, w: w, opts: opts}
}

// Run writes the header and history, then runs the feed, recording each
// message and handing it to sink. It returns what the feed's Run returns; a
// failed write stops the feed and is returned.
func (r *Recorder) Run(ctx context.Context, sink marketdata.Sink) error {
	if err := r.writePreamble(ctx); err != nil {
		return err
	}
	return r.feed.Run(ctx, marketdata.SinkFunc(func(ctx context.Context, m marketdata.Message) error {
		if err := r.write(func(b []byte) ([]byte, error) { return appendMessage(b, m) }); err != nil {
			return err
		}
		return m.Deliver(ctx, sink)
	}))
}

func (r *Recorder) writePreamble(ctx context.Context) error {
	h := Header{Version: Version, Source: r.opts.Source, Markets: r.opts.Markets}
	if err := r.write(func(b []byte) ([]byte, error) { return appendLine(b, typeHeader, h) }); err != nil {
		return err
	}
	blocks, err := historyBlocks(ctx, r.opts)
	if err != nil {
		return err
	}
	for _, c := range blocks {
		if err := r.write(func(b []byte) ([]byte, error) { return appendLine(b, typeCandles, c) }); err != nil {
			return err
		}
	}
	return nil
}

// historyBlocks asks opts.History for the candles a tape records before its
// messages.
func historyBlocks(ctx context.Context, opts Options) ([]Candles, error) {
	if opts.History == nil {
		return nil, nil
	}
	bars := opts.HistoryBars
	if bars == nil {
		bars = defaultHistoryBars
	}
	resolutions := make([]time.Duration, 0, len(bars))
	for res := range bars {
		resolutions = append(resolutions, res)
	}
	slices.Sort(resolutions)
	var out []Candles
	for _, m := range opts.Markets {
		for _, res := range resolutions {
			got, err := opts.History.Candles(ctx, m.Symbol, res, bars[res])
			if err != nil {
				return nil, fmt.Errorf("record history of %s at %v: %w", m.Symbol, res, err)
			}
			out = append(out, Candles{Symbol: m.Symbol, Resolution: Duration(res), Bars: got})
		}
	}
	return out, nil
}

// Capture runs feed to its end and returns what a Recorder would have
// written, in memory.
func Capture(ctx context.Context, feed marketdata.Feed, opts Options) (*Tape, error) {
	blocks, err := historyBlocks(ctx, opts)
	if err != nil {
		return nil, err
	}
	t := &Tape{Header: Header{Version: Version, Source: opts.Source, Markets: opts.Markets}, Candles: blocks}
	err = feed.Run(ctx, marketdata.SinkFunc(func(_ context.Context, m marketdata.Message) error {
		t.Messages = append(t.Messages, m)
		return nil
	}))
	if err != nil {
		return nil, fmt.Errorf("capture: %w", err)
	}
	return t, nil
}

func (r *Recorder) write(encode func([]byte) ([]byte, error)) error {
	var err error
	if r.buf, err = encode(r.buf[:0]); err != nil {
		return fmt.Errorf("record: %w", err)
	}
	if _, err := r.w.Write(r.buf); err != nil {
		return fmt.Errorf("record: write tape: %w", err)
	}
	return nil
}
