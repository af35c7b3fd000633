package rpc

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/autonome-go/autonome/shared/clientaddr"
	"github.com/autonome-go/autonome/shared/commands"
	"github.com/autonome-go/autonome/shared/redis"
	"github.com/autonome-go/autonome/shared/stats"
)

// Commander sends commands to the worker and waits for their results
// (*commands.Client).
type Commander interface {
	PlaceOrder(ctx context.Context, p commands.PlaceOrder) (commands.OrderResult, error)
	ResetAccount(ctx context.Context, r commands.ResetAccount) (commands.ResetOutcome, error)
	KillLive(ctx context.Context, k commands.LiveKill) (commands.LiveKillOutcome, error)
}

// HealthSource reads the worker's scheduler health (*redis.Health).
type HealthSource interface {
	Read(ctx context.Context) (redis.SchedulerHealth, bool, error)
}

// Deps are what the procedures read from and send to.
type Deps struct {
	DB       Store
	Marks    MarkSource
	Books    BookSource
	Commands Commander
	Health   HealthSource
	Now      func() time.Time // defaults to time.Now
	NewID    func() string    // client order and request ids; defaults to random UUIDs
}

// Options configure the HTTP layer.
type Options struct {
	Log            *slog.Logger
	CORSOrigins    []string             // exact origins allowed to call from a browser
	AdminTokens    []string             // bearer tokens accepted for mutating procedures; none disables them
	RateLimit      float64              // requests per second per client address; 0 disables limiting
	RateBurst      int                  // bucket size per client address
	RateClients    int                  // client addresses tracked at most (least recently seen evicted); default 10 000
	ClientAddr     *clientaddr.Resolver // who the client is behind trusted proxies (TRUSTED_PROXIES); nil: the TCP peer
	CommandTimeout time.Duration        // how long placeOrder and resetAccount wait for the worker; default 10 s
	StartedAt      time.Time            // the process start, reported by /health; defaults to now
	Bootstrap      stats.Bootstrap      // the leaderboard's and comparison's intervals; DefaultBootstrap when Resamples is 0
	MinRecord      stats.MinRecord      // below it an entrant is immature (zero: none)
}

// NewHandler returns the API's http.Handler: every procedure under
// /api/rpc/, the health endpoints, CORS, rate limiting and admin
// authentication. The same handler runs locally and inside Lambda.
func NewHandler(d Deps, o Options) http.Handler {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.NewID == nil {
		d.NewID = newUUID
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.CommandTimeout <= 0 {
		o.CommandTimeout = 10 * time.Second
	}
	if o.Bootstrap.Resamples <= 0 {
		o.Bootstrap = DefaultBootstrap
	}
	if o.StartedAt.IsZero() {
		o.StartedAt = d.Now()
	}
	a := &api{Deps: d, opts: o}
	r := NewRouter(o.Log)
	a.register(r)

	mux := http.NewServeMux()
	mux.Handle(Prefix, requireAdmin(r, o.AdminTokens))
	hh := healthHandler{src: d.Health, now: d.Now, startedAt: o.StartedAt, log: o.Log, failing: newOutageLog(outageLogInterval)}
	mux.HandleFunc("GET /health", hh.summary)
	mux.HandleFunc("GET /api/health", hh.summary)
	mux.HandleFunc("GET /health/schedulers", hh.schedulers)
	mux.HandleFunc("GET /api/export/{file}", a.export)

	var h http.Handler = mux
	if o.RateLimit > 0 {
		h = newLimiter(o.RateLimit, o.RateBurst, o.RateClients, o.ClientAddr, d.Now).wrap(h)
	}
	return cors(h, o.CORSOrigins)
}

// api holds the procedures' dependencies.
type api struct {
	Deps
	opts Options
}

// register adds every procedure to r.
func (a *api) register(r *Router) {
	Register(r, "trading/getTrades", a.getTrades)
	Register(r, "trading/getPositions", a.getPositions)
	Register(r, "trading/getCryptoPrices", getCryptoPrices(a.Marks, a.Now))
	Register(r, "trading/getPortfolioHistory", a.getPortfolioHistory)
	Register(r, "models/getModels", a.getModels)
	Register(r, "models/getInvocations", a.getInvocations)
	Register(r, "simulator/placeOrder", a.placeOrder, Mutating())
	Register(r, "simulator/getAccount", a.getAccount)
	Register(r, "simulator/resetAccount", a.resetAccount, Mutating())
	Register(r, "live/kill", a.killLive, Mutating())
	Register(r, "simulator/getOrderBook", a.getOrderBook)
	Register(r, "simulator/getCompletedTrades", a.getCompletedTrades)
	Register(r, "simulator/getCompletedTradesFromDB", a.getCompletedTradesFromDB)
	Register(r, "analytics/getModelStats", a.getModelStats)
	Register(r, "analytics/getLeaderboard", a.getLeaderboard)
	Register(r, "analytics/getFailures", a.getFailures)
	Register(r, "analytics/getRunInfo", a.getRunInfo)
	Register(r, "analytics/getComparison", a.getComparison)
	Register(r, "seasons/list", a.listSeasons)
	Register(r, "seasons/get", a.getSeason)
	Register(r, "seasons/getEquity", a.getSeasonEquity)
	Register(r, "seasons/getDecisions", a.getSeasonDecisions)
	Register(r, "seasons/getPair", a.getPair)
	Register(r, "variants/getVariants", getVariants)
	Register(r, "variants/getVariantStats", a.getVariantStats)
	Register(r, "variants/getVariantHistory", a.getVariantHistory)
}
