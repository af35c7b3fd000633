// Package decision turns what an agent asks for into checked intents. It owns
// the tool schemas (createPosition, closePosition, updateExitPlan, holding),
// strict argument parsing (unknown fields, wrong types, non-finite numbers,
// hallucinated symbols), the hard risk limits that no model output can
// exceed, and the per-decision Session that checks each tool call against the
// account, hands accepted intents to an Executor and records every call as an
// arena.ToolCall.
//
// A violation is rejected with a structured reason and code and fed back to
// the model; nothing is ever clamped to fit. Quantities and prices are
// arena.Fixed from the moment they leave JSON.
package decision
