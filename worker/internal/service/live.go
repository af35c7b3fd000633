package service

import (
	"context"
	"encoding/base64"
	"fmt"
	"log/slog"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/config"
	"github.com/autonome-go/autonome/shared/postgres"
	"github.com/autonome-go/autonome/worker/internal/agent"
	"github.com/autonome-go/autonome/worker/internal/lighter/credentials"
	"github.com/autonome-go/autonome/worker/internal/lighter/live"
	"github.com/autonome-go/autonome/worker/internal/lighter/venue"
	"github.com/autonome-go/autonome/worker/internal/simulator"
)

// startLive builds and starts the live accounts of LIVE_MODELS
// (TRADING_MODE=live): each model's sealed credentials are opened, its
// trader gets the brakes, its markets and latest venue trade are read, and
// with LIVE_KILL its open orders are cancelled. It logs what will trade with
// which limits. A model killed through the admin listener before the parts
// restarted (after a database outage) stays killed. Simulated mode returns
// none.
func startLive(ctx context.Context, cfg config.Worker, pool *pgxpool.Pool, sim *simulator.Simulator,
	onMismatch func(int64, []live.Diff), kills *kills, log *slog.Logger) ([]*live.Account, error) {
	if cfg.TradingMode != "live" {
		return nil, nil
	}
	key, err := base64.StdEncoding.DecodeString(cfg.SecretsKey)
	if err != nil {
		return nil, fmt.Errorf("SECRETS_KEY is not base64: %w", err)
	}
	seats, err := liveSeats(ctx, cfg, pool)
	if err != nil {
		return nil, err
	}
	var syms []arena.Symbol
	for _, m := range sim.Markets() {
		syms = append(syms, m.Symbol)
	}
	var out []*live.Account
	for _, s := range seats {
		ls, m, seat := s.seat, s.model, s.seat.Name+"/"+s.seat.Variant
		a, err := liveAccount(ctx, cfg, pool, key, m, ls, sim, onMismatch, log)
		if err != nil {
			return nil, fmt.Errorf("live %s: %w", seat, err)
		}
		if err := a.Start(ctx, syms); err != nil {
			return nil, err
		}
		reason, killed := kills.reason(m.ID)
		if cfg.LiveKill {
			reason, killed = "LIVE_KILL is set", true
		}
		if killed {
			if err := a.Kill(ctx, reason); err != nil {
				return nil, fmt.Errorf("live %s: kill switch: %w", seat, err)
			}
		}
		out = append(out, a)
	}
	logLiveSummary(cfg, out, log)
	return out, nil
}

// liveSeat is a seat of LIVE_MODELS with its "Models" row.
type liveSeat struct {
	seat  config.LiveSeat
	model arena.AgentModel
}

// liveSeats resolves LIVE_MODELS (TRADING_MODE=live; none otherwise) to
// active seats; a name that is not one is an error.
func liveSeats(ctx context.Context, cfg config.Worker, pool *pgxpool.Pool) ([]liveSeat, error) {
	if cfg.TradingMode != "live" {
		return nil, nil
	}
	seats, err := cfg.LiveSeats()
	if err != nil {
		return nil, err
	}
	models, err := postgres.NewAgents(pool).AgentModels(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]liveSeat, 0, len(seats))
	for _, ls := range seats {
		seat := ls.Name + "/" + ls.Variant
		m, ok := findSeat(models, seat)
		if !ok {
			return nil, fmt.Errorf("LIVE_MODELS: no active seat %q (see `worker models`)", seat)
		}
		out = append(out, liveSeat{ls, m})
	}
	return out, nil
}

// liveModelIDs are the ledger accounts of LIVE_MODELS: the exchange leaves
// their funding to the venue from its first tick, so a restart after a
// downtime never settles simulated funding on them.
func liveModelIDs(ctx context.Context, cfg config.Worker, pool *pgxpool.Pool) ([]string, error) {
	seats, err := liveSeats(ctx, cfg, pool)
	ids := make([]string, len(seats))
	for i, s := range seats {
		ids[i] = s.model.ID
	}
	return ids, err
}

func findSeat(models []arena.AgentModel, seat string) (arena.AgentModel, bool) {
	i := strings.LastIndexByte(seat, '/')
	if i < 0 {
		return arena.AgentModel{}, false
	}
	name, variant := seat[:i], seat[i+1:]
	for _, m := range models {
		if m.Active && m.Name == name && string(m.Variant) == variant {
			return m, true
		}
	}
	return arena.AgentModel{}, false
}

// liveAccount opens a model's credentials and builds its trader.
func liveAccount(ctx context.Context, cfg config.Worker, pool *pgxpool.Pool, key []byte, m arena.AgentModel, seat config.LiveSeat,
	sim *simulator.Simulator, onMismatch func(int64, []live.Diff), log *slog.Logger) (*live.Account, error) {
	sealed, ok, err := postgres.LoadCredentials(ctx, pool, m.ID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("no credentials: store them with `worker credentials %s %s`", m.Name, m.Variant)
	}
	creds, err := credentials.Open(key, m.ID, sealed)
	if err != nil {
		return nil, err
	}
	pk, err := creds.Key()
	if err != nil {
		return nil, err
	}
	l := log.With("part", "live", "model", m.Name+"/"+string(m.Variant))
	tr, err := live.New(live.Config{Account: creds.AccountIndex, APIKey: creds.APIKeyIndex, Chain: cfg.LighterChainID, Key: pk,
		DryRun: cfg.LiveDryRun, Log: l, OnMismatch: onMismatch, Limits: live.Limits{MaxNotional: seat.MaxNotional,
			MaxLeverage: seat.MaxLeverage, MaxDailyLoss: seat.MaxDailyLoss}}, venue.NewClient(cfg.LighterBaseURL, nil))
	if err != nil {
		return nil, err
	}
	return live.NewAccount(live.AccountConfig{ModelID: m.ID, Label: m.Name + "/" + string(m.Variant), StreamURL: cfg.LighterWSURL,
		SlippageBps: cfg.LiveSlippageBps, Reconcile: cfg.LiveReconcile, Log: l}, tr, sim), nil
}

// logLiveSummary says, before anything trades, which models trade on the
// venue and with which limits.
func logLiveSummary(cfg config.Worker, accounts []*live.Account, log *slog.Logger) {
	mode := "SENDING ORDERS"
	if cfg.LiveDryRun {
		mode = "DRY RUN: signed and logged, never sent (LIVE_DRY_RUN=true)"
	}
	log.Warn("LIVE TRADING on Lighter: "+mode, "models", len(accounts), "base_url", cfg.LighterBaseURL, "chain", cfg.LighterChainID,
		"kill_switch", cfg.LiveKill, "slippage_bps", cfg.LiveSlippageBps.String(), "reconcile_every", cfg.LiveReconcile.String())
	for _, a := range accounts {
		log.Warn("LIVE: " + a.Summary())
	}
	log.Warn("LIVE: every other seat trades on the simulator")
}

// router is the agents' Trader in live mode: the live models' orders go to
// the venue, everything else (and every read) to the simulator, whose
// ledger holds the live accounts' venue fills.
type router struct {
	agent.Trader
	live map[string]*live.Account
}

// newRouter returns sim alone when no model trades live.
func newRouter(sim agent.Trader, accounts []*live.Account) agent.Trader {
	if len(accounts) == 0 {
		return sim
	}
	r := &router{Trader: sim, live: map[string]*live.Account{}}
	for _, a := range accounts {
		r.live[a.ModelID()] = a
	}
	return r
}

func (r *router) PlaceOrder(ctx context.Context, req arena.OrderRequest) (arena.Order, error) {
	if a, ok := r.live[req.AccountID]; ok {
		o, err := a.PlaceOrder(ctx, req)
		o.AccountID = req.AccountID
		return o, err
	}
	return r.Trader.PlaceOrder(ctx, req)
}

func (r *router) ClosePosition(ctx context.Context, accountID, orderID string, sym arena.Symbol) (arena.Order, error) {
	if a, ok := r.live[accountID]; ok {
		o, err := a.ClosePosition(ctx, orderID, sym)
		o.AccountID = accountID
		return o, err
	}
	return r.Trader.ClosePosition(ctx, accountID, orderID, sym)
}

func (r *router) UpdateExitPlan(ctx context.Context, accountID string, sym arena.Symbol, plan arena.ExitPlan) (arena.Position, error) {
	if a, ok := r.live[accountID]; ok {
		return a.UpdateExitPlan(ctx, sym, plan)
	}
	return r.Trader.UpdateExitPlan(ctx, accountID, sym, plan)
}

// ResetAccount refuses live accounts: their money is on the venue.
func (r *router) ResetAccount(ctx context.Context, accountID string) error {
	if _, ok := r.live[accountID]; ok {
		return arena.Errorf(arena.CodeInvalid, "a live account cannot be reset: its money is on the venue")
	}
	return r.Trader.ResetAccount(ctx, accountID)
}
