package chat

import (
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/autonome-go/autonome/shared/clientaddr"
)

// Limits bound what one answer, one client and one day may cost.
type Limits struct {
	MaxSteps        int           // model calls per answer; the last one must answer without tools
	MaxTokens       int           // input + output tokens per answer
	MaxOutputTokens int           // max_tokens of one model call
	Timeout         time.Duration // wall time of one answer
	ToolTimeout     time.Duration // statement_timeout of the fixed tools' queries
	MaxToolOutput   int           // bytes of one tool result given to the model
	MaxHistory      int           // latest conversation messages sent to the model
	MaxBody         int64         // bytes of a request body
	DailyTokens     int64         // tokens per UTC day across all clients; 0: no budget
	RatePerMinute   float64       // answers per minute per client address
	RateBurst       int           // answers a client may ask at once
	SQL             SQLLimits
}

func (l *Limits) defaults() {
	setInt(&l.MaxSteps, 6)
	setInt(&l.MaxTokens, 60_000)
	setInt(&l.MaxOutputTokens, 2048)
	setInt(&l.MaxToolOutput, 24<<10)
	setInt(&l.MaxHistory, 24)
	setInt(&l.RateBurst, 3)
	if l.Timeout <= 0 {
		l.Timeout = 90 * time.Second
	}
	if l.ToolTimeout <= 0 {
		l.ToolTimeout = 3 * time.Second
	}
	if l.MaxBody <= 0 {
		l.MaxBody = 256 << 10
	}
	if l.RatePerMinute <= 0 {
		l.RatePerMinute = 6
	}
	l.SQL.defaults()
}

func setInt(p *int, v int) {
	if *p <= 0 {
		*p = v
	}
}

// Options configure the handler.
type Options struct {
	Pool             *pgxpool.Pool        // required
	Endpoint         Endpoint             // the model (see Resolve); unconfigured: every answer says what to set
	HTTPClient       *http.Client         // for the model provider; default: a client without timeout (Limits.Timeout applies)
	Token            string               // CHAT_TOKEN: when set, requests need it as a bearer token
	Clients          *clientaddr.Resolver // who a request is from, for the per-client limit; nil: the TCP peer
	Limits           Limits
	Logger           *slog.Logger
	Now              func() time.Time
	MaxResponseBytes int64 // of one streamed model response; default 4 MiB
}

func (o *Options) validate() error {
	if o.Pool == nil {
		return errors.New("chat: a database pool is required")
	}
	o.Limits.defaults()
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{}
	}
	if o.MaxResponseBytes <= 0 {
		o.MaxResponseBytes = 4 << 20
	}
	return nil
}
