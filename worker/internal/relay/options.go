package relay

import (
	"log/slog"
	"time"

	"github.com/autonome-go/autonome/shared/clientaddr"
)

// Options configures a Server. Zero values take the defaults shown.
type Options struct {
	// AllowedOrigins lists the Origin values allowed cross-origin access,
	// compared exactly ("https://arena.example.com"). Requests without an
	// Origin header (same-origin, curl) are allowed; others are refused (403).
	AllowedOrigins []string
	// Token, when set, is required on every request, as
	// "Authorization: Bearer <token>" or ?token=<token> (EventSource cannot
	// set headers; the query form shows in proxy access logs).
	Token string
	// MaxClients bounds concurrent streams on this relay. Default 20 000.
	MaxClients int
	// MaxClientsPerIP bounds concurrent streams per client address. Default
	// 64; negative means no limit (load tests).
	MaxClientsPerIP int
	// ClientAddr says who the client is: behind a trusted proxy (config
	// TRUSTED_PROXIES) the address that proxy put in X-Forwarded-For, else
	// the connection's peer. Nil: always the peer.
	ClientAddr *clientaddr.Resolver
	// Heartbeat is the interval of keep-alive comments. Default 15 s.
	Heartbeat time.Duration
	// WriteTimeout bounds each write (with its flush) to a client; a client
	// that cannot take it is disconnected. Default 10 s.
	WriteTimeout time.Duration
	// ClientBuffer is how many events a client may fall behind the newest
	// before it is disconnected; it is also the length of each channel's
	// in-memory ring. Default 1024.
	ClientBuffer int
	// RingBytes bounds the bytes of encoded events each channel's ring keeps
	// (large snapshots-as-events shorten it). Default 16 MiB.
	RingBytes int
	// Retry is the reconnection delay hint sent to clients. Default 2 s.
	Retry time.Duration
	// Logger receives stream errors. Default slog.Default().
	Logger *slog.Logger
	// PlainStreams serves every stream through its http.ResponseWriter on
	// its own handler goroutine, with ResponseController write deadlines
	// (as HTTP/2 streams always are), instead of taking HTTP/1.1
	// connections over for the shard writers' non-blocking writes. For the
	// comparison `make bench-sse` runs (ssebench -plain); see doc.go.
	PlainStreams bool
}

// Defaults.
const (
	DefaultMaxClients      = 20_000
	DefaultMaxClientsPerIP = 64
	DefaultHeartbeat       = 15 * time.Second
	DefaultWriteTimeout    = 10 * time.Second
	DefaultClientBuffer    = 1024
	DefaultRingBytes       = 16 << 20
	DefaultRetry           = 2 * time.Second
)

func (o Options) withDefaults() Options {
	if o.MaxClients <= 0 {
		o.MaxClients = DefaultMaxClients
	}
	if o.MaxClientsPerIP == 0 {
		o.MaxClientsPerIP = DefaultMaxClientsPerIP
	}
	if o.Heartbeat <= 0 {
		o.Heartbeat = DefaultHeartbeat
	}
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = DefaultWriteTimeout
	}
	if o.ClientBuffer <= 0 {
		o.ClientBuffer = DefaultClientBuffer
	}
	if o.RingBytes <= 0 {
		o.RingBytes = DefaultRingBytes
	}
	if o.Retry <= 0 {
		o.Retry = DefaultRetry
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}
