package decision

import (
	"fmt"

	"github.com/autonome-go/autonome/shared/arena"
)

// Rejection codes refine a failure reason.
const (
	// parse_error
	CodeInvalidJSON = "invalid_json"
	CodeUnknownTool = "unknown_tool"
	// invalid_arguments
	CodeNotObject       = "not_object"
	CodeUnknownField    = "unknown_field"
	CodeMissingField    = "missing_field"
	CodeWrongType       = "wrong_type"
	CodeNotFinite       = "not_finite"
	CodeOutOfRange      = "out_of_range"
	CodeUnknownSymbol   = "unknown_symbol"
	CodeInvalidSide     = "invalid_side"
	CodeBelowMinSize    = "below_min_size"
	CodeStopWrongSide   = "stop_wrong_side"
	CodeTargetWrongSide = "target_wrong_side"
	CodeNoPosition      = "no_position"
	CodeInvalidTime     = "invalid_time"
	// risk_rejected
	CodeMaxLeverage       = "max_leverage"
	CodeMaxRiskPerTrade   = "max_risk_per_trade"
	CodeMaxGrossExposure  = "max_gross_exposure"
	CodeMinFreeCash       = "min_free_cash"
	CodeOneActionPerSym   = "one_action_per_symbol"
	CodeOppositePosition  = "opposite_position"
	CodeStopWidened       = "stop_widened"
	CodeEquityNotPositive = "equity_not_positive"
	CodeNoReferencePrice  = "no_reference_price"
	CodeCooldown          = "cooldown"
)

// Rejection is why a tool call, or one decision in it, was refused. Its
// Message is written for the model (and is safe to show anyone).
type Rejection struct {
	Reason  arena.FailureReason
	Code    string
	Field   string // JSON path of the offending value, e.g. "decisions[1].stop_loss"
	Message string
}

func (r *Rejection) Error() string {
	return fmt.Sprintf("%s (%s): %s", r.Reason, r.Code, r.Message)
}

// Failure converts r to its recorded form.
func (r *Rejection) Failure() *arena.Failure {
	return &arena.Failure{Reason: r.Reason, Code: r.Code, Message: r.Message}
}

func invalid(code, field, format string, args ...any) *Rejection {
	return &Rejection{Reason: arena.FailureInvalidArguments, Code: code, Field: field, Message: fieldMsg(field, format, args...)}
}

func risk(code, field, format string, args ...any) *Rejection {
	return &Rejection{Reason: arena.FailureRiskRejected, Code: code, Field: field, Message: fieldMsg(field, format, args...)}
}

func fieldMsg(field, format string, args ...any) string {
	msg := fmt.Sprintf(format, args...)
	if field == "" {
		return msg
	}
	return field + ": " + msg
}
