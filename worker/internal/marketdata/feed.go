package marketdata

import (
	"context"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

// Feed is a source of market data. Run delivers messages to sink, one at a
// time and in the order the source produced them, until ctx is done (it then
// returns ctx.Err()), the source is exhausted (nil), the sink fails (the
// sink's error, wrapped) or the source fails in a way retrying cannot fix.
// A live feed reconnects by itself; after a reconnect, and after any gap it
// detects, it sends a fresh book snapshot for each symbol before more deltas.
type Feed interface {
	Run(ctx context.Context, sink Sink) error
}

// Sink receives a feed's messages. A feed calls it from a single goroutine
// and waits for each call, so a slow sink stalls the feed (a live venue then
// drops the connection and the feed resynchronises with snapshots): sinks
// hand work off to bounded queues instead of doing it inline. The sink owns
// the slices in the values it receives; feeds never touch them afterwards.
// A non-nil error stops the feed.
type Sink interface {
	OnBook(ctx context.Context, u arena.BookUpdate) error
	OnTrade(ctx context.Context, t arena.TradePrint) error
	OnStats(ctx context.Context, s arena.MarketStats) error
}

// History answers the agents' questions about the recent market: the last n
// OHLCV bars at a resolution, oldest first, the last one being the bar in
// progress; and the latest mark price, funding rate (fraction per hour),
// open interest (base units) and 24-hour quote volume.
//
// Resolutions are durations; every implementation serves Resolution5m and
// Resolution4h, and reports others as arena.CodeInvalid.
type History interface {
	Candles(ctx context.Context, symbol arena.Symbol, resolution time.Duration, n int) ([]arena.Candle, error)
	Stats(ctx context.Context, symbol arena.Symbol) (arena.MarketStats, error)
}

// The candle resolutions the agents' prompts use.
const (
	Resolution5m = 5 * time.Minute
	Resolution4h = 4 * time.Hour
)

// Default history depths: what the agents' prompts show (180 five-minute bars
// and 90 four-hour bars).
const (
	Bars5m = 180
	Bars4h = 90
)
