package lighter

import (
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

// Mainnet endpoints.
const (
	DefaultBaseURL   = "https://mainnet.zklighter.elliot.ai"
	DefaultStreamURL = "wss://mainnet.zklighter.elliot.ai/stream"
)

// Config configures the Lighter client and feed. The zero value is usable:
// mainnet, BTC, ETH and SOL.
type Config struct {
	BaseURL   string // REST base; default DefaultBaseURL
	StreamURL string // WebSocket URL; default DefaultStreamURL (append ?readonly=true from restricted regions)

	Symbols []arena.Symbol // markets to follow; default BTC, ETH, SOL
	// Defaults supplies what the venue's metadata does not decide for a
	// paper account: the maker, taker and liquidation fees (the venue reports
	// the caller's tier, which is not ours). Default arena.DefaultMarkets().
	Defaults []arena.Market

	HTTPClient        *http.Client // default: 15 s timeout
	RequestsPerMinute int          // REST budget; default 50 (the standard tier allows 60)

	PingInterval  time.Duration // keepalive message period; default 30 s (the venue wants one within 2 min)
	ReadTimeout   time.Duration // reconnect when nothing arrives for this long; default 60 s
	ResyncTimeout time.Duration // reconnect when a book has no snapshot this long after (re)subscribing; default 15 s
	MinBackoff    time.Duration // first reconnect delay; default 500 ms
	MaxBackoff    time.Duration // reconnect delay cap; default 30 s

	CandleTTL   time.Duration // how long fetched candles are trusted, extended by live trades; default 2 min
	StatsMaxAge time.Duration // streamed stats older than this fall back to REST; default 1 min

	Logger *slog.Logger     // default slog.Default()
	Now    func() time.Time // default time.Now
}

func (c Config) withDefaults() (Config, error) {
	if c.BaseURL == "" {
		c.BaseURL = DefaultBaseURL
	}
	if c.StreamURL == "" {
		c.StreamURL = DefaultStreamURL
	}
	if len(c.Symbols) == 0 {
		c.Symbols = []arena.Symbol{"BTC", "ETH", "SOL"}
	}
	if c.Defaults == nil {
		c.Defaults = arena.DefaultMarkets()
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: 15 * time.Second}
	}
	if c.RequestsPerMinute == 0 {
		c.RequestsPerMinute = 50
	}
	setDefault(&c.PingInterval, 30*time.Second)
	setDefault(&c.ReadTimeout, 60*time.Second)
	setDefault(&c.ResyncTimeout, 15*time.Second)
	setDefault(&c.MinBackoff, 500*time.Millisecond)
	setDefault(&c.MaxBackoff, 30*time.Second)
	setDefault(&c.CandleTTL, 2*time.Minute)
	setDefault(&c.StatsMaxAge, time.Minute)
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	for _, u := range []struct{ name, v string }{{"base URL", c.BaseURL}, {"stream URL", c.StreamURL}} {
		p, err := url.Parse(u.v)
		if err != nil || p.Host == "" {
			return c, arena.Errorf(arena.CodeInvalid, "lighter: %s %q is not an absolute URL", u.name, u.v)
		}
	}
	if c.RequestsPerMinute < 0 || c.MinBackoff > c.MaxBackoff {
		return c, arena.Errorf(arena.CodeInvalid, "lighter: request budget must be positive and min backoff at most max backoff")
	}
	return c, nil
}

func setDefault(d *time.Duration, v time.Duration) {
	if *d <= 0 {
		*d = v
	}
}
