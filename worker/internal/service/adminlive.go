package service

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/bearer"
	"github.com/autonome-go/autonome/shared/commands"
	"github.com/autonome-go/autonome/worker/internal/lighter/live"
)

// KillRequest is the body of POST /live/kill: the model ("name/variant";
// empty: every live model) and why, for the log.
type KillRequest struct {
	Model  string `json:"model"`
	Reason string `json:"reason"`
}

// handleLive serves the live models' kill switch and status on the admin
// listener, behind ADMIN_TOKEN (live mode refuses to start without it):
//
//	GET  /live       every live model's status
//	POST /live/kill  cancel the model's open orders on the venue and refuse new ones until a restart without LIVE_KILL
func (a *admin) handleLive(token string, accounts []*live.Account, kills *kills) {
	allowed := bearer.NewSet(token)
	auth := func(h http.HandlerFunc) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if !allowed.Authorized(r) {
				w.Header().Set("WWW-Authenticate", bearer.Scheme)
				http.Error(w, "admin token required", http.StatusUnauthorized)
				return
			}
			h(w, r)
		}
	}
	a.mux.HandleFunc("GET /live", auth(func(w http.ResponseWriter, _ *http.Request) { writeStatuses(w, http.StatusOK, accounts) }))
	a.mux.HandleFunc("POST /live/kill", auth(func(w http.ResponseWriter, r *http.Request) {
		var req KillRequest
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096)).Decode(&req); err != nil {
			http.Error(w, "body: {\"model\": \"name/variant or empty for all\", \"reason\": \"...\"}", http.StatusBadRequest)
			return
		}
		ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 30*time.Second)
		defer cancel()
		found, failed := killLive(ctx, accounts, req, kills, a.log)
		switch {
		case !found:
			http.Error(w, "no live model "+req.Model, http.StatusNotFound)
		case len(failed) > 0: // the switch is on; some cancels did not reach the venue
			writeStatuses(w, http.StatusBadGateway, accounts)
		default:
			writeStatuses(w, http.StatusOK, accounts)
		}
	}))
}

// killLive turns the kill switch of the named model (or all) on; failed
// holds, by model id, where cancelling the open orders failed.
func killLive(ctx context.Context, accounts []*live.Account, req KillRequest, kills *kills, log *slog.Logger) (found bool, failed map[string]error) {
	reason := "admin kill switch"
	if req.Reason != "" {
		reason += ": " + req.Reason
	}
	for _, acc := range accounts {
		if req.Model != "" && acc.Status().Model != req.Model {
			continue
		}
		found = true
		kills.set(acc.ModelID(), reason)
		log.Warn("live kill switch requested", "model", acc.Status().Model, "reason", reason)
		if kerr := acc.Kill(ctx, reason); kerr != nil {
			log.Error("live kill switch: cancelling open orders failed; new orders are refused", "model", acc.Status().Model, "err", kerr)
			if failed == nil {
				failed = map[string]error{}
			}
			failed[acc.ModelID()] = kerr
		}
	}
	return found, failed
}

func writeStatuses(w http.ResponseWriter, status int, accounts []*live.Account) {
	out := make([]live.Status, len(accounts))
	for i, a := range accounts {
		out[i] = a.Status()
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(out)
}

// kills remembers the models killed through the admin listener for the
// life of the process, so that parts restarted after a database outage do
// not trade them again. LIVE_KILL is the switch that survives a restart.
type kills struct {
	mu      sync.Mutex
	reasons map[string]string // by model id
}

func newKills() *kills { return &kills{reasons: map[string]string{}} }

func (k *kills) set(modelID, reason string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.reasons[modelID] = reason
}

func (k *kills) reason(modelID string) (string, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	r, ok := k.reasons[modelID]
	return r, ok
}

// liveKillCommand is the worker's side of the API's live.kill: the same
// switch as POST /live/kill, through the commands queue.
func liveKillCommand(accounts []*live.Account, kills *kills, log *slog.Logger) commands.LiveKillFunc {
	return func(ctx context.Context, k commands.LiveKill) (commands.LiveKillResult, error) {
		if len(accounts) == 0 {
			return commands.LiveKillResult{Failure: &commands.Failure{Code: arena.CodeNotFound,
				Message: "no model trades live on this worker (TRADING_MODE=simulated)"}}, nil
		}
		kctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		found, failed := killLive(kctx, accounts, KillRequest{Model: k.Model, Reason: k.Reason}, kills, log)
		if !found {
			return commands.LiveKillResult{Failure: &commands.Failure{Code: arena.CodeNotFound,
				Message: fmt.Sprintf("no live model %q (LIVE_MODELS names name/variant)", k.Model)}}, nil
		}
		out := commands.LiveKillOutcome{Models: []commands.KilledModel{}}
		for _, a := range accounts {
			st := a.Status()
			if k.Model != "" && st.Model != k.Model {
				continue
			}
			km := commands.KilledModel{Model: st.Model, AccountID: a.ModelID()}
			switch {
			case !st.Killed:
				km.Error = "the kill switch did not turn on"
			case failed[a.ModelID()] != nil:
				km.Error = "cancelling open orders on the venue failed (new orders are refused): " + failed[a.ModelID()].Error()
			}
			out.Models = append(out.Models, km)
		}
		return commands.LiveKillResult{Kill: &out}, nil
	}
}
