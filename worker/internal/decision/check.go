package decision

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/autonome-go/autonome/shared/arena"
)

func (s *Session) createPosition(ctx context.Context, exec Executor, rec arena.ToolCall, args json.RawMessage) arena.ToolCall {
	decs, rejs, top := ParseCreatePosition(args, s.markets, s.now())
	if top != nil {
		return s.fail(rec, top)
	}
	for i, d := range decs {
		res := arena.ToolResult{Action: arena.ActionOpen, Symbol: d.Symbol, Side: d.Side, Quantity: d.Quantity,
			Leverage: d.Leverage, StopLoss: d.StopLoss, ProfitTarget: d.ProfitTarget,
			Invalidation: d.InvalidationCondition, Confidence: d.Confidence}
		switch {
		case rejs[i] != nil:
			res.Failure = rejs[i].Failure()
		case d.Hold:
			res.Action, res.Success = arena.ActionHold, true
		default:
			if in, rej := s.checkOpen(d, fmt.Sprintf("decisions[%d]", i)); rej != nil {
				res.Failure = rej.Failure()
			} else {
				s.execute(ctx, exec, in, &res)
			}
		}
		if len(d.Ignored) > 0 && res.Failure == nil {
			res.Message = strings.TrimSpace(res.Message + " Ignored: " + strings.Join(d.Ignored, "; ") + ".")
		}
		rec.Results = append(rec.Results, res)
	}
	rec.Output = summarize(rec.Results)
	return rec
}

func (s *Session) closePosition(ctx context.Context, exec Executor, rec arena.ToolCall, args json.RawMessage) arena.ToolCall {
	syms, rejs, top := ParseClosePosition(args, s.markets)
	if top != nil {
		return s.fail(rec, top)
	}
	for i, sym := range syms {
		res := arena.ToolResult{Action: arena.ActionClose, Symbol: sym}
		path := fmt.Sprintf("symbols[%d]", i)
		pos, held := PositionIn(&s.account, sym)
		switch {
		case rejs[i] != nil:
			res.Failure = rejs[i].Failure()
		case s.acted[sym]:
			res.Failure = oneAction(path, sym).Failure()
		case !held:
			res.Failure = invalid(CodeNoPosition, path, "there is no open %s position to close", sym).Failure()
		default:
			res.Side, res.Quantity = pos.Side, pos.Quantity
			s.execute(ctx, exec, Intent{Kind: IntentClose, Symbol: sym, Side: pos.Side, Quantity: pos.Quantity,
				Leverage: pos.Leverage, RefPrice: s.prices[sym]}, &res)
		}
		rec.Results = append(rec.Results, res)
	}
	rec.Output = summarize(rec.Results)
	return rec
}

func (s *Session) updateExitPlan(ctx context.Context, exec Executor, rec arena.ToolCall, args json.RawMessage) arena.ToolCall {
	ups, rejs, top := ParseUpdateExitPlan(args, s.markets)
	if top != nil {
		return s.fail(rec, top)
	}
	for i, u := range ups {
		res := arena.ToolResult{Action: arena.ActionUpdateExitPlan, Symbol: u.Symbol, StopLoss: u.NewStopLoss,
			ProfitTarget: u.NewTarget, Reason: u.Reason}
		if rejs[i] != nil {
			res.Failure = rejs[i].Failure()
		} else if in, rej := s.checkUpdate(u, fmt.Sprintf("updates[%d]", i)); rej != nil {
			res.Failure = rej.Failure()
		} else {
			res.Side, res.Quantity, res.ProfitTarget = in.Side, in.Quantity, in.ExitPlan.Target
			s.execute(ctx, exec, in, &res)
		}
		rec.Results = append(rec.Results, res)
	}
	rec.Output = summarize(rec.Results)
	return rec
}

// execute hands a checked intent to the executor and records the outcome.
// Only a successful execution uses up the symbol's one action, so a model
// may correct a rejected or failed decision within the same turn.
func (s *Session) execute(ctx context.Context, exec Executor, in Intent, res *arena.ToolResult) {
	out, err := exec.Execute(ctx, in)
	if err != nil {
		res.Failure = &arena.Failure{Reason: arena.FailureExecutionError, Code: string(arena.ErrorCode(err)), Message: arena.ErrorMessage(err)}
		return
	}
	res.Success = true
	res.FillPrice, res.FilledQty, res.RealizedPnL, res.Message = out.FillPrice, out.Quantity, out.RealizedPnL, out.Message
	s.acted[in.Symbol] = true
	if out.Account != nil {
		s.Observe(*out.Account)
		return
	}
	if in.Kind == IntentOpen {
		// Project the open until a fresh account arrives. Closes are not
		// credited: freed margin is only trusted once the executor reports it.
		notional, _ := in.Quantity.MulChecked(in.RefPrice)
		s.pendGross += notional
		s.pendMargin += notional.Div(in.Leverage)
	}
}

func oneAction(path string, sym arena.Symbol) *Rejection {
	return risk(CodeOneActionPerSym, path, "%s was already acted on in this turn; one action per symbol per decision. Call holding if you are done", sym)
}
