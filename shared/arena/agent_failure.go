package arena

// FailureReason classifies why an agent's decision, or one of its tool calls,
// did not succeed. A failure is recorded and counted on the model; it is never
// counted as a success.
type FailureReason string

// Failure reasons. The first three fail a whole invocation (workflow); the
// last three fail a tool call (or one decision inside it) while the model's
// turn itself may still complete.
const (
	FailureTimeout          FailureReason = "timeout"           // the provider or the decision ran out of time
	FailureProviderError    FailureReason = "provider_error"    // the provider answered with an error or an unusable reply
	FailureParseError       FailureReason = "parse_error"       // the model's output could not be read: bad JSON, unknown tool, empty reply
	FailureInvalidArguments FailureReason = "invalid_arguments" // a tool call broke its schema: unknown field, wrong type, unknown symbol…
	FailureRiskRejected     FailureReason = "risk_rejected"     // a well-formed request that a hard risk limit refuses
	FailureExecutionError   FailureReason = "execution_error"   // the simulator refused or failed to carry out a checked intent
)

// FailureReasons lists every reason, for enums and validation.
func FailureReasons() []FailureReason {
	return []FailureReason{FailureTimeout, FailureProviderError, FailureParseError,
		FailureInvalidArguments, FailureRiskRejected, FailureExecutionError}
}

// Failure is a structured reason with a client-safe message. Code refines the
// reason ("max_leverage", "stop_wrong_side", "http_429"…) for analytics.
type Failure struct {
	Reason  FailureReason `json:"reason"`
	Code    string        `json:"code,omitempty"`
	Message string        `json:"message"`
}

// Error makes a Failure usable as an error value.
func (f *Failure) Error() string {
	if f.Code != "" {
		return string(f.Reason) + " (" + f.Code + "): " + f.Message
	}
	return string(f.Reason) + ": " + f.Message
}
