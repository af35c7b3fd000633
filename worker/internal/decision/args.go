package decision

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

// Tool names as the models see them.
const (
	NameCreatePosition = "createPosition"
	NameClosePosition  = "closePosition"
	NameUpdateExitPlan = "updateExitPlan"
	NameHolding        = "holding"
)

// Argument bounds.
const (
	MaxDecisions    = 10  // decisions or updates in one call
	MaxReasonLen    = 500 // holding and update reasons, characters
	MaxTextLen      = 300 // invalidation_condition and time_exit, characters
	MinUpdateReason = 3   // an exit-plan update must say why
)

// OpenDecision is one parsed createPosition decision. Hold is true for
// side HOLD, in which case only Symbol (and optional text) is meaningful.
type OpenDecision struct {
	Symbol                arena.Symbol
	Side                  arena.Side
	Hold                  bool
	Quantity              arena.Fixed
	Leverage              arena.Fixed
	ProfitTarget          arena.Fixed
	StopLoss              arena.Fixed
	InvalidationCondition string
	InvalidationPrice     arena.Fixed // 0 when not given
	TimeExit              time.Time   // deadline after which the exchange closes the position; zero when not given
	CooldownUntil         time.Time   // zero when not given
	Confidence            float64     // 0–100
	// Ignored says which optional fields could not be read and were left
	// out, for the tool result.
	Ignored []string
}

func (d *OpenDecision) ignore(note string) {
	if note != "" {
		d.Ignored = append(d.Ignored, note)
	}
}

// ExitPlanUpdate is one parsed updateExitPlan entry.
type ExitPlanUpdate struct {
	Symbol      arena.Symbol
	NewStopLoss arena.Fixed
	NewTarget   arena.Fixed // 0: keep the current target
	Reason      string
}

var openFields = []string{"symbol", "side", "quantity", "leverage", "profit_target", "stop_loss",
	"invalidation_condition", "invalidation_price", "time_exit", "cooldown_until", "confidence"}

// ParseCreatePosition reads createPosition arguments; now turns a relative
// time_exit ("24h") into a deadline.
//
// ParseCreatePosition reads createPosition arguments. Items that fail are
// returned as rejections at their index; a nil top-level rejection means the
// envelope was readable.
func ParseCreatePosition(raw json.RawMessage, known map[arena.Symbol]arena.Market, now time.Time) ([]OpenDecision, []*Rejection, *Rejection) {
	top, rej := parseObject(raw, "", "decisions")
	if rej != nil {
		return nil, nil, rej
	}
	items, rej := top.array("decisions", 1, MaxDecisions)
	if rej != nil {
		return nil, nil, rej
	}
	out := make([]OpenDecision, len(items))
	rejs := make([]*Rejection, len(items))
	for i, item := range items {
		out[i], rejs[i] = parseOpen(item, fmt.Sprintf("decisions[%d]", i), known, now)
	}
	return out, rejs, nil
}

func parseOpen(raw json.RawMessage, path string, known map[arena.Symbol]arena.Market, now time.Time) (OpenDecision, *Rejection) {
	var d OpenDecision
	o, rej := parseObject(raw, path, openFields...)
	if rej != nil {
		return d, rej
	}
	if d.Symbol, rej = o.symbol("symbol", known); rej != nil {
		return d, rej
	}
	side, _, rej := o.str("side", true, 1, 8)
	if rej != nil {
		return d, rej
	}
	switch strings.ToUpper(side) {
	case "LONG":
		d.Side = arena.Long
	case "SHORT":
		d.Side = arena.Short
	case "HOLD":
		d.Hold = true
	default:
		return d, invalid(CodeInvalidSide, join(path, "side"), "must be LONG, SHORT or HOLD, got %q", side)
	}
	need := !d.Hold
	var note string
	steps := []func() *Rejection{
		func() (r *Rejection) { d.Quantity, _, r = o.positive("quantity", need); return },
		func() (r *Rejection) { d.Leverage, _, r = o.positive("leverage", need); return },
		func() (r *Rejection) { d.ProfitTarget, _, r = o.positive("profit_target", need); return },
		func() (r *Rejection) { d.StopLoss, _, r = o.positive("stop_loss", need); return },
		func() (r *Rejection) { d.InvalidationPrice, _, r = o.positive("invalidation_price", false); return },
		func() (r *Rejection) {
			d.InvalidationCondition, _, r = o.str("invalidation_condition", need, boolInt(need), MaxTextLen)
			return
		},
		func() (r *Rejection) { d.TimeExit, note, r = o.deadline("time_exit", now); d.ignore(note); return },
		func() *Rejection {
			d.CooldownUntil, note = o.optionalTime("cooldown_until", now)
			d.ignore(note)
			return nil
		},
		func() *Rejection { return parseConfidence(o, &d, need) },
	}
	for _, step := range steps {
		if rej := step(); rej != nil {
			return d, rej
		}
	}
	return d, nil
}

func parseConfidence(o object, d *OpenDecision, need bool) *Rejection {
	c, ok, rej := o.number("confidence", need)
	if rej != nil {
		return rej
	}
	if ok && (c < 0 || c > 100) {
		return invalid(CodeOutOfRange, join(o.path, "confidence"), "must be between 0 and 100, got %v", c)
	}
	d.Confidence = c
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// ParseClosePosition reads closePosition arguments: the symbols to close.
// Each entry may fail on its own.
func ParseClosePosition(raw json.RawMessage, known map[arena.Symbol]arena.Market) ([]arena.Symbol, []*Rejection, *Rejection) {
	top, rej := parseObject(raw, "", "symbols")
	if rej != nil {
		return nil, nil, rej
	}
	items, rej := top.array("symbols", 1, MaxDecisions)
	if rej != nil {
		return nil, nil, rej
	}
	out := make([]arena.Symbol, len(items))
	rejs := make([]*Rejection, len(items))
	for i, item := range items {
		out[i], rejs[i] = symbolFrom(item, fmt.Sprintf("symbols[%d]", i), known)
	}
	return out, rejs, nil
}

// ParseUpdateExitPlan reads updateExitPlan arguments.
func ParseUpdateExitPlan(raw json.RawMessage, known map[arena.Symbol]arena.Market) ([]ExitPlanUpdate, []*Rejection, *Rejection) {
	top, rej := parseObject(raw, "", "updates")
	if rej != nil {
		return nil, nil, rej
	}
	items, rej := top.array("updates", 1, MaxDecisions)
	if rej != nil {
		return nil, nil, rej
	}
	out := make([]ExitPlanUpdate, len(items))
	rejs := make([]*Rejection, len(items))
	for i, item := range items {
		out[i], rejs[i] = parseUpdate(item, fmt.Sprintf("updates[%d]", i), known)
	}
	return out, rejs, nil
}

func parseUpdate(raw json.RawMessage, path string, known map[arena.Symbol]arena.Market) (ExitPlanUpdate, *Rejection) {
	var u ExitPlanUpdate
	o, rej := parseObject(raw, path, "symbol", "new_stop_loss", "new_target_price", "reason")
	if rej != nil {
		return u, rej
	}
	if u.Symbol, rej = o.symbol("symbol", known); rej != nil {
		return u, rej
	}
	if u.NewStopLoss, _, rej = o.positive("new_stop_loss", true); rej != nil {
		return u, rej
	}
	if u.NewTarget, _, rej = o.positive("new_target_price", false); rej != nil {
		return u, rej
	}
	u.Reason, _, rej = o.str("reason", true, MinUpdateReason, MaxReasonLen)
	return u, rej
}

// ParseHolding reads holding arguments: an optional reason.
func ParseHolding(raw json.RawMessage) (string, *Rejection) {
	o, rej := parseObject(raw, "", "reason")
	if rej != nil {
		return "", rej
	}
	reason, _, rej := o.str("reason", false, 0, MaxReasonLen)
	return reason, rej
}
