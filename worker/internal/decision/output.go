package decision

import (
	"strings"

	"github.com/autonome-go/autonome/shared/arena"
)

// summarize writes the tool result text the model reads: one line per
// decision, then a reminder of how to end the turn.
func summarize(rs []arena.ToolResult) string {
	var b strings.Builder
	for _, r := range rs {
		writeResult(&b, r)
		b.WriteByte('\n')
	}
	b.WriteString("Call holding when you have no further actions.")
	return b.String()
}

func writeResult(b *strings.Builder, r arena.ToolResult) {
	sym := string(r.Symbol)
	if sym == "" {
		sym = "(no symbol)"
	}
	b.WriteString(sym)
	b.WriteString(" ")
	switch {
	case r.Failure != nil && r.Failure.Reason == arena.FailureExecutionError:
		b.WriteString(r.Action + ": not executed (execution_error): " + r.Failure.Message)
	case r.Failure != nil:
		b.WriteString(r.Action + ": rejected (" + string(r.Failure.Reason) + "/" + r.Failure.Code + "): " + r.Failure.Message)
	case r.Action == arena.ActionHold:
		b.WriteString("HOLD: recorded, no order.")
	case r.Action == arena.ActionOpen:
		b.WriteString(string(r.Side) + " " + r.Quantity.String() + " at " + r.Leverage.String() + "x: filled " +
			r.FilledQty.String() + " at " + r.FillPrice.String() + "; stop " + r.StopLoss.String() + ", target " + r.ProfitTarget.String() + ".")
	case r.Action == arena.ActionClose:
		b.WriteString("closed " + r.FilledQty.String() + " at " + r.FillPrice.String() + ", realized PnL " + r.RealizedPnL.String() + " USD.")
	case r.Action == arena.ActionUpdateExitPlan:
		b.WriteString("exit plan updated: stop " + r.StopLoss.String() + ", target " + r.ProfitTarget.String() + ".")
	}
	if r.Message != "" && r.Failure == nil {
		b.WriteString(" " + r.Message)
	}
}
