package config

import (
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/clientaddr"
)

// Common holds what every binary reads.
type Common struct {
	RedisURL     string `envconfig:"REDIS_URL" default:"redis://127.0.0.1:6379/0" desc:"Redis URL (events, latest prices, job queue)"`
	RedisPrefix  string `envconfig:"REDIS_PREFIX" desc:"prefix of every key and channel the arena uses in Redis (several arenas can share one Redis)"`
	LogLevel     string `envconfig:"LOG_LEVEL" default:"info" desc:"debug, info, warn or error"`
	LogFormat    string `envconfig:"LOG_FORMAT" default:"text" desc:"log lines as text (logfmt) or json"`
	OTLPEndpoint string `envconfig:"OTEL_EXPORTER_OTLP_ENDPOINT" desc:"OTLP/HTTP collector URL; set to turn tracing on (off by default)"`
}

// Worker is the configuration of worker/cmd/worker, the VPS process that
// holds the simulator, the market feed, the schedulers and the agents.
type Worker struct {
	Common
	DatabaseURL     string        `envconfig:"DATABASE_URL" required:"true" desc:"PostgreSQL URL (source of truth)"`
	AdminAddr       string        `envconfig:"WORKER_ADMIN_ADDR" default:"127.0.0.1:8082" desc:"worker admin listener (health, asynq monitoring)"`
	AdminToken      string        `envconfig:"ADMIN_TOKEN" desc:"bearer token for the worker admin listener and mutating RPCs"`
	MetricsAddr     string        `envconfig:"METRICS_ADDR" desc:"serve Prometheus metrics here without a token (private address); empty: on the admin listener, behind ADMIN_TOKEN"`
	TradingMode     string        `envconfig:"TRADING_MODE" default:"simulated" desc:"simulated, or live: the seats in LIVE_MODELS trade on Lighter, every other seat stays simulated"`
	Feed            string        `envconfig:"FEED" default:"synthetic" desc:"market data: synthetic, lighter or replay"`
	FeedTape        string        `envconfig:"FEED_TAPE" desc:"tape file for FEED=replay"`
	FeedTick        time.Duration `envconfig:"FEED_TICK" default:"500ms" desc:"synthetic feed update interval"`
	FeedReplaySpeed float64       `envconfig:"FEED_REPLAY_SPEED" default:"1" desc:"FEED=replay pace: 1 as recorded, 2 twice as fast, 0 as fast as possible"`
	SeasonDir       string        `envconfig:"SEASON_DIR" desc:"record the live season into this folder: the feed as consumed (SEASON_ID-start.tape), the simulator's journal, one file per period and worker run (SEASON_ID-start.journal.zst), every model call (SEASON_ID-start.calls.jsonl.zst), and each finished period as a bundle (SEASON_ID-periodstart.tar.zst), also imported for the Seasons page; empty: off"`
	SeasonID        string        `envconfig:"SEASON_ID" default:"live" desc:"the live season's id, naming its recordings"`
	SeasonPeriod    time.Duration `envconfig:"SEASON_PERIOD" default:"24h" desc:"the live season's period: at every multiple of it (UTC) the journal is cut, with a mark of the exchange's state, and the finished period is exported as a bundle"`

	LighterBaseURL     string `envconfig:"LIGHTER_BASE_URL" default:"https://mainnet.zklighter.elliot.ai" desc:"Lighter REST base URL (FEED=lighter and live mode)"`
	LighterWSURL       string `envconfig:"LIGHTER_WS_URL" default:"wss://mainnet.zklighter.elliot.ai/stream" desc:"Lighter WebSocket URL (FEED=lighter and live mode account streams)"`
	LighterAPIKeyIndex int    `envconfig:"LIGHTER_API_KEY_INDEX" default:"2" desc:"Lighter API key index worker credentials stores when the input names none"`
	LighterChainID     uint32 `envconfig:"LIGHTER_CHAIN_ID" default:"304" desc:"chain id live transactions are signed for: 304 mainnet, 300 testnet"`

	LiveModels       []string      `envconfig:"LIVE_MODELS" desc:"TRADING_MODE=live: the seats that trade on Lighter, name/variant, comma-separated, each optionally with tighter brakes (name/variant?max_notional=20&max_leverage=2&max_daily_loss=5); credentials from worker credentials"`
	LiveDryRun       bool          `envconfig:"LIVE_DRY_RUN" default:"true" desc:"live models sign and log every transaction without sending it; false sends them"`
	LiveKill         bool          `envconfig:"LIVE_KILL" desc:"kill switch: live models cancel their open orders at start and place no new ones"`
	LiveMaxNotional  arena.Fixed   `envconfig:"LIVE_MAX_NOTIONAL" desc:"each live model's largest order, USD notional (required in live mode)"`
	LiveMaxLeverage  int           `envconfig:"LIVE_MAX_LEVERAGE" desc:"each live model's highest leverage, whole multiples (required in live mode)"`
	LiveMaxDailyLoss arena.Fixed   `envconfig:"LIVE_MAX_DAILY_LOSS" desc:"each live model's equity loss since the UTC day's first reading that trips its kill switch, USD (required in live mode)"`
	LiveSlippageBps  arena.Fixed   `envconfig:"LIVE_SLIPPAGE_BPS" default:"50" desc:"a live market order's worst price: the mark ± this many bps"`
	LiveReconcile    time.Duration `envconfig:"LIVE_RECONCILE_INTERVAL" default:"1m" desc:"how often live positions and open orders are reconciled with the venue"`

	SimInitialCapital  arena.Fixed   `envconfig:"SIM_INITIAL_CAPITAL" default:"10000" desc:"starting cash of every account, USDT"`
	SimQuoteCurrency   string        `envconfig:"SIM_QUOTE_CURRENCY" default:"USDT" desc:"quote currency label"`
	SimRefreshInterval time.Duration `envconfig:"SIM_REFRESH_INTERVAL" default:"10s" desc:"how often marks, positions and accounts are published"`
	SimTakerLatency    time.Duration `envconfig:"SIM_TAKER_LATENCY" default:"300ms" desc:"delay before a taker order meets the book (Lighter standard tier)"`
	SimMakerLatency    time.Duration `envconfig:"SIM_MAKER_LATENCY" default:"200ms" desc:"delay before a maker order or cancel reaches the book"`
	SimMaxSlippageBps  arena.Fixed   `envconfig:"SIM_MAX_SLIPPAGE_BPS" default:"0" desc:"extra adverse slippage, uniform in [0, max] bps"`
	SimMakerFeeBps     arena.Fixed   `envconfig:"SIM_MAKER_FEE_BPS" default:"0.4" desc:"maker fee, bps (Lighter premium tier)"`
	SimTakerFeeBps     arena.Fixed   `envconfig:"SIM_TAKER_FEE_BPS" default:"2.8" desc:"taker fee, bps (Lighter premium tier)"`
	SimSeed            int64         `envconfig:"SIM_DETERMINISTIC_SEED" default:"1" desc:"seed of the simulator's and synthetic feed's randomness"`
	SimStaleBook       time.Duration `envconfig:"SIM_STALE_BOOK" default:"5s" desc:"orders are rejected when a book has not updated for this long"`

	NIMAPIKey         string        `envconfig:"NIM_API_KEY" desc:"NVIDIA NIM API key"`
	NIMAPIKey1        string        `envconfig:"NIM_API_KEY1" desc:"extra NIM key, rotated round-robin"`
	NIMAPIKey2        string        `envconfig:"NIM_API_KEY2" desc:"extra NIM key, rotated round-robin"`
	NIMAPIKey3        string        `envconfig:"NIM_API_KEY3" desc:"extra NIM key, rotated round-robin"`
	NIMBaseURL        string        `envconfig:"NIM_BASE_URL" default:"https://integrate.api.nvidia.com/v1" desc:"NIM OpenAI-compatible base URL"`
	OpenRouterAPIKey  string        `envconfig:"OPENROUTER_API_KEY" desc:"OpenRouter API key"`
	OpenRouterBaseURL string        `envconfig:"OPENROUTER_BASE_URL" default:"https://openrouter.ai/api/v1" desc:"OpenRouter base URL"`
	RosterFile        string        `envconfig:"ROSTER_FILE" desc:"roster file (YAML or JSON) listing the models, their endpoints and prices, and the baselines; empty: the built-in default line-up"`
	LLMMaxResponse    int64         `envconfig:"LLM_MAX_RESPONSE_BYTES" default:"1048576" desc:"most bytes read of one model response; a larger one is cut off and fails as too_large"`
	TradeInterval     time.Duration `envconfig:"TRADE_INTERVAL" default:"5m" desc:"how often every active model decides"`
	PortfolioInterval time.Duration `envconfig:"PORTFOLIO_INTERVAL" default:"60s" desc:"how often equity snapshots are written"`
	SecretsKey        string        `envconfig:"SECRETS_KEY" desc:"base64 32-byte key sealing exchange credentials at rest"`
}

// Validate checks values envconfig cannot.
func (c *Worker) Validate() error {
	if err := validURL("DATABASE_URL", c.DatabaseURL, "postgres", "postgresql"); err != nil {
		return err
	}
	if err := validURL("REDIS_URL", c.RedisURL, "redis", "rediss"); err != nil {
		return err
	}
	switch c.TradingMode {
	case "simulated":
	case "live":
		if err := c.validateLive(); err != nil {
			return err
		}
	default:
		return fmt.Errorf("TRADING_MODE=%q is not valid: expected simulated or live", c.TradingMode)
	}
	switch c.Feed {
	case "synthetic", "lighter":
	case "replay":
		if c.FeedTape == "" {
			return fmt.Errorf("FEED_TAPE is required when FEED=replay: the path of a tape written by `tape record`")
		}
	default:
		return fmt.Errorf("FEED=%q is not valid: expected synthetic, lighter or replay", c.Feed)
	}
	if c.FeedReplaySpeed < 0 {
		return fmt.Errorf("FEED_REPLAY_SPEED=%v is not valid: expected 0 (as fast as possible) or a positive factor", c.FeedReplaySpeed)
	}
	if c.LLMMaxResponse < 4096 {
		return fmt.Errorf("LLM_MAX_RESPONSE_BYTES=%d is not valid: expected at least 4096", c.LLMMaxResponse)
	}
	if c.SimInitialCapital <= 0 {
		return fmt.Errorf("SIM_INITIAL_CAPITAL=%s is not valid: expected a positive amount", c.SimInitialCapital)
	}
	for name, d := range map[string]time.Duration{"FEED_TICK": c.FeedTick, "TRADE_INTERVAL": c.TradeInterval, "PORTFOLIO_INTERVAL": c.PortfolioInterval, "SIM_REFRESH_INTERVAL": c.SimRefreshInterval, "SIM_STALE_BOOK": c.SimStaleBook, "SEASON_PERIOD": c.SeasonPeriod} {
		if d <= 0 {
			return fmt.Errorf("%s=%s is not valid: expected a positive duration", name, d)
		}
	}
	return validLog(c.LogLevel, c.LogFormat)
}

// validateLive checks what TRADING_MODE=live needs: the seats, the key
// that opens their credentials, and every brake.
func (c *Worker) validateLive() error {
	switch {
	case len(c.LiveModels) == 0:
		return fmt.Errorf("TRADING_MODE=live needs LIVE_MODELS: the seats (name/variant) that trade on Lighter")
	case c.SecretsKey == "":
		return fmt.Errorf("TRADING_MODE=live needs SECRETS_KEY: it opens the sealed credentials of the live models")
	case c.AdminToken == "":
		return fmt.Errorf("TRADING_MODE=live needs ADMIN_TOKEN: the kill switch on the admin listener requires it")
	case c.LiveMaxNotional <= 0 || c.LiveMaxLeverage <= 0 || c.LiveMaxDailyLoss <= 0:
		return fmt.Errorf("TRADING_MODE=live needs LIVE_MAX_NOTIONAL, LIVE_MAX_LEVERAGE and LIVE_MAX_DAILY_LOSS, each positive")
	case c.LiveSlippageBps <= 0 || c.LiveReconcile <= 0:
		return fmt.Errorf("LIVE_SLIPPAGE_BPS and LIVE_RECONCILE_INTERVAL must be positive")
	}
	_, err := c.LiveSeats()
	return err
}

// LiveSeat is one entry of LIVE_MODELS: a seat and its brakes.
type LiveSeat struct {
	Name, Variant string
	MaxNotional   arena.Fixed
	MaxLeverage   int
	MaxDailyLoss  arena.Fixed
}

// LiveSeats parses LIVE_MODELS. An entry is name/variant, optionally with
// tighter brakes for that seat than LIVE_MAX_*:
// name/variant?max_notional=20&max_leverage=2&max_daily_loss=5.
func (c *Worker) LiveSeats() ([]LiveSeat, error) {
	var out []LiveSeat
	for _, m := range c.LiveModels {
		seat, query, _ := strings.Cut(m, "?")
		i := strings.LastIndexByte(seat, '/')
		if i <= 0 || i == len(seat)-1 {
			return nil, fmt.Errorf("LIVE_MODELS entry %q is not valid: expected name/variant", m)
		}
		s := LiveSeat{Name: seat[:i], Variant: seat[i+1:], MaxNotional: c.LiveMaxNotional, MaxLeverage: c.LiveMaxLeverage,
			MaxDailyLoss: c.LiveMaxDailyLoss}
		if err := s.tighten(query); err != nil {
			return nil, fmt.Errorf("LIVE_MODELS entry %q is not valid: %w", m, err)
		}
		out = append(out, s)
	}
	return out, nil
}

// tighten applies a seat's own brakes, each positive and at most the
// global one.
func (s *LiveSeat) tighten(query string) error {
	q, err := url.ParseQuery(query)
	if err != nil {
		return err
	}
	for k, vs := range q {
		v := vs[len(vs)-1]
		switch k {
		case "max_notional", "max_daily_loss":
			f, err := arena.ParseFixed(v)
			if err != nil || f <= 0 {
				return fmt.Errorf("%s=%q is not a positive amount", k, v)
			}
			limit := &s.MaxNotional
			if k == "max_daily_loss" {
				limit = &s.MaxDailyLoss
			}
			if f > *limit {
				return fmt.Errorf("%s=%s is above the global limit %s", k, f, *limit)
			}
			*limit = f
		case "max_leverage":
			n, err := strconv.Atoi(v)
			if err != nil || n <= 0 || n > s.MaxLeverage {
				return fmt.Errorf("max_leverage=%q is not a whole number from 1 to LIVE_MAX_LEVERAGE (%d)", v, s.MaxLeverage)
			}
			s.MaxLeverage = n
		default:
			return fmt.Errorf("unknown setting %q (max_notional, max_leverage, max_daily_loss)", k)
		}
	}
	return nil
}

// NIMKeys returns the configured NIM keys in rotation order.
func (c *Worker) NIMKeys() []string {
	return nonEmpty(c.NIMAPIKey, c.NIMAPIKey1, c.NIMAPIKey2, c.NIMAPIKey3)
}

// Relay is the configuration of worker/cmd/relay, the SSE relay.
type Relay struct {
	Common
	Addr            string        `envconfig:"RELAY_ADDR" default:"127.0.0.1:8083" desc:"relay listen address"`
	CORSOrigins     []string      `envconfig:"CORS_ORIGINS" desc:"comma-separated exact origins allowed to call the API and relay"`
	SSEToken        string        `envconfig:"SSE_TOKEN" desc:"if set, SSE clients must send it (Bearer header or ?token=)"`
	MetricsToken    string        `envconfig:"METRICS_TOKEN" desc:"if set, /metrics on the relay and the API requires it as a bearer token"`
	MaxClients      int           `envconfig:"SSE_MAX_CLIENTS" default:"20000" desc:"SSE connections per relay"`
	MaxClientsPerIP int           `envconfig:"SSE_MAX_CLIENTS_PER_IP" default:"32" desc:"SSE connections per client address"`
	Heartbeat       time.Duration `envconfig:"SSE_HEARTBEAT" default:"15s" desc:"SSE heartbeat comment interval"`
	TrustedProxies  []string      `envconfig:"TRUSTED_PROXIES" desc:"comma-separated CIDRs of the proxies in front (e.g. 127.0.0.1/32); only a request from one of them may name the client in X-Forwarded-For"`
}

// Validate checks values envconfig cannot.
func (c *Relay) Validate() error {
	if err := validURL("REDIS_URL", c.RedisURL, "redis", "rediss"); err != nil {
		return err
	}
	if err := validOrigins(c.CORSOrigins); err != nil {
		return err
	}
	if err := validProxies(c.TrustedProxies); err != nil {
		return err
	}
	if c.MaxClients <= 0 || c.MaxClientsPerIP <= 0 {
		return fmt.Errorf("SSE_MAX_CLIENTS and SSE_MAX_CLIENTS_PER_IP must be positive")
	}
	return validLog(c.LogLevel, c.LogFormat)
}

// Stats configures the leaderboard's intervals and minimum record (shared/stats).
type Stats struct {
	BlockLength float64 `envconfig:"STATS_BLOCK_LENGTH" default:"4" desc:"mean block length of the stationary bootstrap, in the leaderboard's return periods (1h over 24h, 4h over 7d, 1d over 30d)"`
	Resamples   int     `envconfig:"STATS_RESAMPLES" default:"1000" desc:"bootstrap draws per interval"`
	Seed        uint64  `envconfig:"STATS_SEED" default:"1" desc:"bootstrap seed (mixed with each entrant's id): the same data and seed give the same intervals"`
	MinTrades   int     `envconfig:"STATS_MIN_TRADES" default:"10" desc:"trades closed in the window an entrant needs to be ranked; below, it is listed as immature"`
	MinDays     float64 `envconfig:"STATS_MIN_DAYS" default:"1" desc:"days of equity record in the window an entrant needs to be ranked"`
}

// Validate checks the statistics settings.
func (c *Stats) Validate() error {
	if c.BlockLength < 1 {
		return fmt.Errorf("STATS_BLOCK_LENGTH=%v is not valid: expected 1 or more periods", c.BlockLength)
	}
	if c.Resamples < 100 || c.Resamples > 100_000 {
		return fmt.Errorf("STATS_RESAMPLES=%d is not valid: expected 100-100000", c.Resamples)
	}
	if c.MinTrades < 0 || c.MinDays < 0 {
		return fmt.Errorf("STATS_MIN_TRADES and STATS_MIN_DAYS must not be negative")
	}
	return nil
}

// API is the configuration of functions/rpc, the stateless RPC handler.
type API struct {
	Common
	Stats
	DatabaseURL    string        `envconfig:"DATABASE_URL" required:"true" desc:"PostgreSQL URL (source of truth)"`
	Port           int           `envconfig:"PORT" default:"8081" desc:"listen port when run as a plain HTTP server"`
	APIAddr        string        `envconfig:"API_ADDR" desc:"listen address (overrides PORT), e.g. 127.0.0.1:8084"`
	CORSOrigins    []string      `envconfig:"CORS_ORIGINS" desc:"comma-separated exact origins allowed to call the API and relay"`
	AdminTokens    []string      `envconfig:"ADMIN_TOKENS" desc:"comma-separated bearer tokens accepted for mutating RPCs (with ADMIN_TOKEN)"`
	AdminToken     string        `envconfig:"ADMIN_TOKEN" desc:"bearer token for the worker admin listener and mutating RPCs"`
	RateLimit      float64       `envconfig:"RATE_LIMIT_RPS" default:"20" desc:"requests per second per client address"`
	RateBurst      int           `envconfig:"RATE_LIMIT_BURST" default:"40" desc:"burst allowed per client address"`
	CommandTimeout time.Duration `envconfig:"COMMAND_TIMEOUT" default:"10s" desc:"how long placeOrder/resetAccount wait for the worker"`
	DBMaxConns     int32         `envconfig:"DB_MAX_CONNS" default:"4" desc:"pool size (Lambda: 1-2 per execution environment)"`
	MetricsToken   string        `envconfig:"METRICS_TOKEN" desc:"if set, /metrics on the relay and the API requires it as a bearer token"`
	DBProxyMode    bool          `envconfig:"DB_PROXY_MODE" default:"false" desc:"no prepared-statement cache (RDS Proxy, PgBouncer transaction mode)"`
	TrustedProxies []string      `envconfig:"TRUSTED_PROXIES" desc:"comma-separated CIDRs of the proxies in front (e.g. 127.0.0.1/32); only a request from one of them may name the client in X-Forwarded-For"`
}

// Validate checks values envconfig cannot.
func (c *API) Validate() error {
	if err := validURL("DATABASE_URL", c.DatabaseURL, "postgres", "postgresql"); err != nil {
		return err
	}
	if err := validURL("REDIS_URL", c.RedisURL, "redis", "rediss"); err != nil {
		return err
	}
	if c.Port <= 0 || c.Port > 65535 {
		return fmt.Errorf("PORT=%d is not valid: expected 1-65535", c.Port)
	}
	if c.RateLimit <= 0 || c.RateBurst <= 0 {
		return fmt.Errorf("RATE_LIMIT_RPS and RATE_LIMIT_BURST must be positive")
	}
	if c.CommandTimeout <= 0 || c.DBMaxConns <= 0 {
		return fmt.Errorf("COMMAND_TIMEOUT and DB_MAX_CONNS must be positive")
	}
	if err := validOrigins(c.CORSOrigins); err != nil {
		return err
	}
	if err := c.Stats.Validate(); err != nil {
		return err
	}
	if err := validProxies(c.TrustedProxies); err != nil {
		return err
	}
	return validLog(c.LogLevel, c.LogFormat)
}

// Addr is the address the API listens on when run as an HTTP server.
func (c *API) Addr() string {
	if c.APIAddr != "" {
		return c.APIAddr
	}
	return fmt.Sprintf(":%d", c.Port)
}

// Tokens lists every accepted admin token.
func (c *API) Tokens() []string { return nonEmpty(append([]string{c.AdminToken}, c.AdminTokens...)...) }

// Chat is the configuration of functions/chat, the co-pilot (POST
// /api/chat). It reads the trading agents' provider variables too
// (NIM_API_KEY…, NIM_BASE_URL, OPENROUTER_API_KEY…, OPENROUTER_BASE_URL,
// OPENAI_API_KEY…, OPENAI_BASE_URL) for the provider CHAT_MODEL names.
type Chat struct {
	DatabaseURL    string        `envconfig:"DATABASE_URL" required:"true" desc:"PostgreSQL URL (source of truth)"`
	Addr           string        `envconfig:"CHAT_ADDR" default:"127.0.0.1:8086" desc:"co-pilot listen address when run as a plain HTTP server"`
	Model          string        `envconfig:"CHAT_MODEL" default:"nim:moonshotai/kimi-k2-instruct-0905" desc:"co-pilot model as provider:model id (provider nim, openrouter or openai; keys and base URLs from the same variables as the trading agents)"`
	Token          string        `envconfig:"CHAT_TOKEN" desc:"if set, POST /api/chat requires it as a bearer token"`
	MaxSteps       int           `envconfig:"CHAT_MAX_STEPS" default:"6" desc:"model calls per co-pilot answer (the last one answers without tools)"`
	MaxTokens      int           `envconfig:"CHAT_MAX_TOKENS" default:"60000" desc:"input + output tokens per co-pilot answer"`
	Timeout        time.Duration `envconfig:"CHAT_TIMEOUT" default:"90s" desc:"wall time of one co-pilot answer"`
	DailyTokens    int64         `envconfig:"CHAT_DAILY_TOKENS" default:"2000000" desc:"co-pilot tokens per UTC day across all clients (0: no budget)"`
	RatePerMinute  float64       `envconfig:"CHAT_RATE_PER_MINUTE" default:"6" desc:"co-pilot questions per minute per client address"`
	RateBurst      int           `envconfig:"CHAT_RATE_BURST" default:"3" desc:"co-pilot questions a client may ask at once"`
	SQLTimeout     time.Duration `envconfig:"CHAT_SQL_TIMEOUT" default:"3s" desc:"statement_timeout of one co-pilot query"`
	SQLMaxRows     int           `envconfig:"CHAT_SQL_MAX_ROWS" default:"200" desc:"rows one co-pilot query returns at most"`
	SQLMaxBytes    int           `envconfig:"CHAT_SQL_MAX_BYTES" default:"65536" desc:"bytes of rows one co-pilot query returns at most"`
	DBMaxConns     int32         `envconfig:"DB_MAX_CONNS" default:"4" desc:"pool size (Lambda: 1-2 per execution environment)"`
	DBProxyMode    bool          `envconfig:"DB_PROXY_MODE" default:"false" desc:"no prepared-statement cache (RDS Proxy, PgBouncer transaction mode)"`
	TrustedProxies []string      `envconfig:"TRUSTED_PROXIES" desc:"comma-separated CIDRs of the proxies in front (e.g. 127.0.0.1/32); only a request from one of them may name the client in X-Forwarded-For"`
	LogLevel       string        `envconfig:"LOG_LEVEL" default:"info" desc:"debug, info, warn or error"`
	LogFormat      string        `envconfig:"LOG_FORMAT" default:"text" desc:"log lines as text (logfmt) or json"`
}

// Validate checks values envconfig cannot.
func (c *Chat) Validate() error {
	if err := validURL("DATABASE_URL", c.DatabaseURL, "postgres", "postgresql"); err != nil {
		return err
	}
	if c.MaxSteps < 1 || c.MaxTokens < 1 || c.RatePerMinute <= 0 || c.RateBurst < 1 || c.DBMaxConns < 1 {
		return fmt.Errorf("CHAT_MAX_STEPS, CHAT_MAX_TOKENS, CHAT_RATE_PER_MINUTE, CHAT_RATE_BURST and DB_MAX_CONNS must be positive")
	}
	if c.Timeout <= 0 || c.SQLTimeout <= 0 || c.SQLMaxRows < 1 || c.SQLMaxBytes < 1024 || c.DailyTokens < 0 {
		return fmt.Errorf("CHAT_TIMEOUT, CHAT_SQL_TIMEOUT and CHAT_SQL_MAX_ROWS must be positive, CHAT_SQL_MAX_BYTES at least 1024, CHAT_DAILY_TOKENS 0 or more")
	}
	if name, _, ok := strings.Cut(c.Model, ":"); !ok || name == "" {
		return fmt.Errorf("CHAT_MODEL=%q is not valid: expected provider:model, e.g. nim:moonshotai/kimi-k2-instruct-0905", c.Model)
	}
	if err := validProxies(c.TrustedProxies); err != nil {
		return err
	}
	return validLog(c.LogLevel, c.LogFormat)
}

// Web is the configuration of functions/web, the dashboard's own server
// (Lambda or plain HTTP).
type Web struct {
	Addr      string `envconfig:"WEB_ADDR" default:"127.0.0.1:8085" desc:"dashboard listen address when run as a plain HTTP server"`
	Title     string `envconfig:"DASHBOARD_TITLE" default:"Autonome Arena" desc:"dashboard title"`
	APIBase   string `envconfig:"DASHBOARD_API_BASE" desc:"API origin the dashboard calls (empty: same origin)"`
	SSEBase   string `envconfig:"DASHBOARD_SSE_BASE" desc:"relay origin the dashboard subscribes to (empty: same origin)"`
	LogLevel  string `envconfig:"LOG_LEVEL" default:"info" desc:"debug, info, warn or error"`
	LogFormat string `envconfig:"LOG_FORMAT" default:"text" desc:"log lines as text (logfmt) or json"`
}

// Validate checks values envconfig cannot.
func (c *Web) Validate() error { return validLog(c.LogLevel, c.LogFormat) }

// Gateway is the configuration of infra/gateway, the local stand-in for API
// Gateway plus a load balancer: one port for the dashboard, RPC and SSE.
type Gateway struct {
	Addr     string `envconfig:"GATEWAY_ADDR" default:"127.0.0.1:8081" desc:"local gateway listen address (make run)"`
	APIURL   string `envconfig:"GATEWAY_API_URL" default:"http://127.0.0.1:8084" desc:"where the gateway sends /api/rpc and /health"`
	RelayURL string `envconfig:"GATEWAY_RELAY_URL" default:"http://127.0.0.1:8083" desc:"where the gateway sends /api/events"`
	ChatURL  string `envconfig:"GATEWAY_CHAT_URL" default:"http://127.0.0.1:8086" desc:"where the gateway sends /api/chat (the co-pilot)"`
	Title    string `envconfig:"DASHBOARD_TITLE" default:"Autonome Arena" desc:"dashboard title"`
	APIBase  string `envconfig:"DASHBOARD_API_BASE" desc:"API origin the dashboard calls (empty: same origin)"`
	SSEBase  string `envconfig:"DASHBOARD_SSE_BASE" desc:"relay origin the dashboard subscribes to (empty: same origin)"`
}

// Validate checks values envconfig cannot.
func (c *Gateway) Validate() error {
	if err := validURL("GATEWAY_API_URL", c.APIURL, "http", "https"); err != nil {
		return err
	}
	if err := validURL("GATEWAY_CHAT_URL", c.ChatURL, "http", "https"); err != nil {
		return err
	}
	return validURL("GATEWAY_RELAY_URL", c.RelayURL, "http", "https")
}

func validURL(name, raw string, schemes ...string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Errorf("%s is not a valid URL: expected %s://host[:port]/…", name, schemes[0])
	}
	for _, s := range schemes {
		if u.Scheme == s {
			return nil
		}
	}
	return fmt.Errorf("%s has scheme %q: expected %s", name, u.Scheme, strings.Join(schemes, " or "))
}

func validOrigins(origins []string) error {
	for _, o := range origins {
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
			return fmt.Errorf("CORS_ORIGINS entry %q is not valid: expected an origin such as https://arena.example.com", o)
		}
	}
	return nil
}

// validProxies checks TRUSTED_PROXIES, and refuses the TRUST_PROXY it
// replaced: that boolean trusted X-Forwarded-For from anyone, so a
// deployment still setting it is told what to set instead rather than
// silently counting every client as its proxy.
func validProxies(cidrs []string) error {
	if v := strings.TrimSpace(os.Getenv("TRUST_PROXY")); v != "" && !strings.EqualFold(v, "false") {
		return fmt.Errorf("TRUST_PROXY is no longer read: set TRUSTED_PROXIES to the addresses (CIDRs) of the proxies in front instead, e.g. TRUSTED_PROXIES=127.0.0.1/32 for a proxy on this host")
	}
	if _, err := clientaddr.New(cidrs); err != nil {
		return fmt.Errorf("TRUSTED_PROXIES entry %w", err)
	}
	return nil
}

func validLog(level, format string) error {
	if format != "text" && format != "json" {
		return fmt.Errorf("LOG_FORMAT=%q is not valid: expected text or json", format)
	}
	return validLevel(level)
}

func validLevel(l string) error {
	switch l {
	case "debug", "info", "warn", "error":
		return nil
	}
	return fmt.Errorf("LOG_LEVEL=%q is not valid: expected debug, info, warn or error", l)
}

func nonEmpty(vs ...string) []string {
	var out []string
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}
