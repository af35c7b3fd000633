package rpc

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/commands"
)

// LiveKillInput is live.kill's input: the model ("name/variant"; empty:
// every model trading live) and why, for the worker's log.
type LiveKillInput struct {
	Model  string `json:"model,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// Validate checks the model's form and the reason's size.
func (in *LiveKillInput) Validate() error {
	in.Model = strings.TrimSpace(in.Model)
	var list []Issue
	if in.Model != "" && (!strings.Contains(in.Model, "/") || len(in.Model) > commands.MaxKillModel) {
		list = append(list, Issue{Path: []any{"model"}, Message: "expected name/variant (models.getModels), or omit it for every live model"})
	}
	if len(in.Reason) > commands.MaxKillReason {
		list = append(list, Issue{Path: []any{"reason"}, Message: fmt.Sprintf("at most %d bytes", commands.MaxKillReason)})
	}
	if len(list) > 0 {
		return Invalid(list...)
	}
	return nil
}

// LiveKillOutput is live.kill's output: the models whose kill switch is now
// on, each with what failed while cancelling its open orders, if anything
// did (new orders are refused regardless).
type LiveKillOutput struct {
	Success bool                   `json:"success"`
	Message string                 `json:"message"`
	Models  []commands.KilledModel `json:"models"`
}

// liveKillTimeout is how long live.kill waits for the worker, which
// cancels the open orders on the venue before it answers.
const liveKillTimeout = 35 * time.Second

// killLive turns on the kill switch of a model trading live (admin only):
// the worker cancels its open orders on the venue and refuses new ones
// until it restarts without LIVE_KILL. The same switch is POST /live/kill on
// the worker's admin listener, which works while the API or Redis is down.
func (a *api) killLive(ctx context.Context, in LiveKillInput) (LiveKillOutput, error) {
	cmd := commands.LiveKill{Model: in.Model, Reason: in.Reason, RequestID: a.NewID()}
	if a.Commands == nil {
		return LiveKillOutput{}, arena.Errorf(arena.CodeUnavailable, "the command queue is not configured")
	}
	wait := max(a.opts.CommandTimeout, liveKillTimeout)
	cmd.RequestedAt = time.Now()
	cmd.ExpiresAt = cmd.RequestedAt.Add(wait)
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	res, err := a.Commands.KillLive(ctx, cmd)
	if err != nil {
		return LiveKillOutput{}, err
	}
	out := LiveKillOutput{Success: true, Models: res.Models}
	failed := 0
	for _, m := range res.Models {
		if m.Error != "" {
			failed++
		}
	}
	out.Message = fmt.Sprintf("kill switch on for %d live model(s); new orders are refused until the worker restarts without LIVE_KILL", len(res.Models))
	if failed > 0 {
		out.Message += fmt.Sprintf("; cancelling open orders failed for %d: check the venue", failed)
	}
	return out, nil
}
