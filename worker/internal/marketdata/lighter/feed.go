package lighter

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/retry"
	"github.com/autonome-go/autonome/worker/internal/marketdata"
)

// Feed streams Lighter's public market data for the configured symbols and
// answers the agents' history questions. It implements marketdata.Feed and
// marketdata.History. Run may be called once at a time.
type Feed struct {
	cfg    Config
	client *Client
	hist   *history

	mu      sync.Mutex
	markets []arena.Market // resolved, in Config.Symbols order

	running    atomic.Bool
	tradeMarks map[int64]int64 // only the Run goroutine
}

var (
	_ marketdata.Feed    = (*Feed)(nil)
	_ marketdata.History = (*Feed)(nil)
)

// New returns a feed; it does not touch the network until used.
func New(cfg Config) (*Feed, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	f := &Feed{cfg: cfg, client: NewClient(cfg.BaseURL, cfg.HTTPClient, cfg.RequestsPerMinute), tradeMarks: map[int64]int64{}}
	f.hist = newHistory(f)
	return f, nil
}

// Client returns the feed's REST client.
func (f *Feed) Client() *Client { return f.client }

// Markets resolves the configured symbols at the venue (once; the result is
// kept).
func (f *Feed) Markets(ctx context.Context) ([]arena.Market, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.markets == nil {
		ms, err := f.client.Markets(ctx, f.cfg.Symbols, f.cfg.Defaults)
		if err != nil {
			return nil, err
		}
		f.markets = ms
	}
	return slices.Clone(f.markets), nil
}

// market returns the resolved market of sym.
func (f *Feed) market(ctx context.Context, sym arena.Symbol) (arena.Market, error) {
	ms, err := f.Markets(ctx)
	if err != nil {
		return arena.Market{}, err
	}
	return arena.MarketBySymbol(ms, sym)
}

// Run resolves the markets (retrying while the venue is unreachable), then
// streams order books, trades and stats, reconnecting with exponential
// backoff (and jitter) whenever the connection fails or falls silent. Each
// (re)connection starts every book with a snapshot. Run returns ctx.Err()
// when ctx ends, the sink's error when the sink fails, and an error when
// the configured symbols cannot be resolved.
func (f *Feed) Run(ctx context.Context, sink marketdata.Sink) error {
	if !f.running.CompareAndSwap(false, true) {
		return errors.New("lighter: Run is already running")
	}
	defer f.running.Store(false)
	byID, err := f.resolve(ctx)
	if err != nil {
		return err
	}
	backoff := retry.Backoff{Min: f.cfg.MinBackoff, Max: f.cfg.MaxBackoff}
	for attempt := 0; ; attempt++ {
		healthy, err := f.session(ctx, sink, byID, attempt > 0)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if se := (sinkError{}); errors.As(err, &se) {
			return fmt.Errorf("lighter: %w", se)
		}
		if healthy {
			backoff.Reset()
		}
		wait := backoff.Next()
		f.cfg.Logger.Warn("lighter: stream lost; reconnecting", "err", err, "in", wait)
		if err := retry.Sleep(ctx, wait); err != nil {
			return err
		}
	}
}

// resolve resolves the markets, retrying transient failures.
func (f *Feed) resolve(ctx context.Context) (map[int64]arena.Market, error) {
	backoff := retry.Backoff{Min: f.cfg.MinBackoff, Max: f.cfg.MaxBackoff}
	for {
		ms, err := f.Markets(ctx)
		if err == nil {
			byID := make(map[int64]arena.Market, len(ms))
			for _, m := range ms {
				byID[int64(m.MarketID)] = m
			}
			return byID, nil
		}
		if c := arena.ErrorCode(err); c == arena.CodeNotFound || c == arena.CodeInvalid || ctx.Err() != nil {
			return nil, fmt.Errorf("lighter: %w", err)
		}
		wait := backoff.Next()
		f.cfg.Logger.Warn("lighter: cannot resolve markets; retrying", "err", err, "in", wait)
		if err := retry.Sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}
