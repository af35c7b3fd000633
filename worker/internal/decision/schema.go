package decision

import (
	"encoding/json"

	"github.com/autonome-go/autonome/shared/arena"
)

// ToolSpec is a tool as a model is offered it: a name, a description and a
// JSON Schema for the arguments.
type ToolSpec struct {
	Name        string
	Description string
	Parameters  json.RawMessage
}

type schema = map[string]any

func obj(required []string, props schema) schema {
	return schema{"type": "object", "properties": props, "required": required, "additionalProperties": false}
}

func num(desc string) schema  { return schema{"type": "number", "description": desc} }
func text(desc string) schema { return schema{"type": "string", "description": desc} }

// Tools returns the four tools for the given markets and limits. The schemas
// state the limits so a model can comply; the Session enforces them anyway.
func Tools(symbols []arena.Symbol, limits RiskLimits) []ToolSpec {
	symEnum := make([]string, len(symbols))
	for i, s := range symbols {
		symEnum[i] = string(s)
	}
	sym := schema{"type": "string", "enum": symEnum}
	maxLev := limits.MaxLeverage.Float64()
	decision := obj(
		[]string{"symbol", "side", "quantity", "leverage", "profit_target", "stop_loss", "invalidation_condition", "confidence"},
		schema{
			"symbol":                 sym,
			"side":                   schema{"type": "string", "enum": []string{"LONG", "SHORT", "HOLD"}},
			"quantity":               schema{"type": "number", "exclusiveMinimum": 0, "description": "Order size in base units (BTC, ETH or SOL), not USD."},
			"leverage":               schema{"type": "number", "minimum": 1, "maximum": maxLev, "description": "Leverage, 1 to the hard maximum."},
			"profit_target":          num("Take-profit price: above the current price for LONG, below for SHORT."),
			"stop_loss":              num("Stop price: below the current price for LONG, above for SHORT."),
			"invalidation_condition": text("What would prove the trade idea wrong."),
			"invalidation_price":     schema{"type": []string{"number", "null"}, "description": "Optional price at which the idea is invalid; the exchange closes the position when the mark crosses it, so it lies on the stop's side."},
			"time_exit":              text("Optional deadline at which the exchange closes the position: a UTC time (RFC 3339) or a duration from now such as \"24h\" or \"Close if held > 24h\"; a value that cannot be read is ignored and the trade goes ahead without it."),
			"cooldown_until":         schema{"type": "string", "format": "date-time", "description": "Optional UTC time (RFC 3339) before which this symbol should not be re-entered."},
			"confidence":             schema{"type": "number", "minimum": 0, "maximum": 100},
		})
	update := obj([]string{"symbol", "new_stop_loss", "reason"}, schema{
		"symbol":           sym,
		"new_stop_loss":    num("New stop price. It may only tighten: higher for LONG, lower for SHORT."),
		"new_target_price": schema{"type": []string{"number", "null"}, "description": "New take-profit price; omit to keep the current one."},
		"reason":           schema{"type": "string", "minLength": MinUpdateReason, "maxLength": MaxReasonLen},
	})
	specs := []struct {
		name, desc string
		params     schema
	}{
		{NameCreatePosition, "Open or add to positions, one decision per symbol, each with a complete exit plan. Side HOLD records a deliberate no-trade for that symbol.",
			obj([]string{"decisions"}, schema{"decisions": schema{"type": "array", "minItems": 1, "maxItems": MaxDecisions, "items": decision}})},
		{NameClosePosition, "Close the whole open position in each listed symbol at market.",
			obj([]string{"symbols"}, schema{"symbols": schema{"type": "array", "minItems": 1, "maxItems": MaxDecisions, "items": sym}})},
		{NameUpdateExitPlan, "Tighten the stop and optionally move the target of open positions.",
			obj([]string{"updates"}, schema{"updates": schema{"type": "array", "minItems": 1, "maxItems": MaxDecisions, "items": update}})},
		{NameHolding, "End this turn. Call it once you have taken every action you want (or none).",
			obj([]string{}, schema{"reason": schema{"type": "string", "maxLength": MaxReasonLen}})},
	}
	out := make([]ToolSpec, len(specs))
	for i, s := range specs {
		params, err := json.Marshal(s.params)
		if err != nil {
			panic("decision: marshal tool schema: " + err.Error()) // static data; cannot fail
		}
		out[i] = ToolSpec{Name: s.name, Description: s.desc, Parameters: params}
	}
	return out
}
