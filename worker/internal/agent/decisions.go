package agent

import (
	"encoding/json"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/prompt"
)

// Bounds of the earlier decisions a decision reads: the model's decision
// index (its latest createPosition decision per symbol, as the reference's
// "limit 100") and the cooldowns it set.
const (
	decisionWindow  = 7 * 24 * time.Hour // how far back earlier decisions and their cooldowns are looked for
	decisionLookups = 100                // createPosition calls read per decision (and cooldown calls beside them)
)

// pastDecision is one decision of an earlier createPosition call, with
// what became of it.
type pastDecision struct {
	decisionDoc
	result resultDoc
	at     time.Time // when the call was made
}

// pastDecisions reads the decisions of calls, in their order (newest call
// first). Documents that do not parse, and decisions without a result (a
// call that failed as a whole), are left out.
func pastDecisions(calls []arena.DecisionCall) []pastDecision {
	var out []pastDecision
	for _, c := range calls {
		var md struct {
			Decisions []decisionDoc `json:"decisions"`
			Results   []resultDoc   `json:"results"`
		}
		if json.Unmarshal([]byte(c.Metadata), &md) != nil {
			continue
		}
		for i, d := range md.Decisions {
			if i < len(md.Results) && d.Symbol != "" {
				out = append(out, pastDecision{decisionDoc: d, result: md.Results[i], at: c.At})
			}
		}
	}
	return out
}

// decisionIndex is the latest decision per symbol of ds (newest first), as
// the user prompt shows it.
func decisionIndex(ds []pastDecision) []prompt.Decision {
	seen := map[arena.Symbol]bool{}
	var out []prompt.Decision
	for _, d := range ds {
		if seen[d.Symbol] {
			continue
		}
		seen[d.Symbol] = true
		out = append(out, d.prompt())
	}
	return out
}

func (d pastDecision) prompt() prompt.Decision {
	p := prompt.Decision{Symbol: d.Symbol, Signal: d.Signal, Side: d.Side, Quantity: d.Quantity, Leverage: d.Leverage,
		Stop: d.StopLoss, Target: d.ProfitTarget, Status: prompt.Executed, At: d.at}
	if d.Confidence != nil {
		p.Confidence, p.HasConfidence = *d.Confidence, true
	}
	switch r := d.result; {
	case !r.Success:
		p.Status, p.Reason = prompt.Rejected, rejection(r)
	case r.Action == arena.ActionHold:
		p.Status = prompt.Held
	}
	return p
}

// rejection is why a decision was refused: its code and message.
func rejection(r resultDoc) string {
	code, msg := r.Code, r.Error
	if code == "" {
		code = string(r.FailureReason)
	}
	switch {
	case code == "":
		return msg
	case msg == "":
		return code
	}
	return code + ": " + msg
}
