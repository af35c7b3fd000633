package chat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/autonome-go/autonome/shared/arena"
)

// maxCallsPerStep bounds the tool calls run from one model reply; more are
// answered with a refusal.
const maxCallsPerStep = 8

// outcome is how an answer ended.
type outcome struct {
	Steps        int    `json:"steps"`
	Usage        Usage  `json:"usage"`
	FinishReason string `json:"finishReason"`
}

// answer runs the tool loop for one question: at most MaxSteps model calls
// (the last one without tools), MaxTokens tokens and Timeout of wall time,
// writing everything to ui as it happens.
func (h *Handler) answer(ctx context.Context, convo []wireMessage, ui *uiStream) outcome {
	ctx, cancel := context.WithTimeout(ctx, h.opt.Limits.Timeout)
	defer cancel()
	l := h.opt.Limits
	var out outcome
	for out.Steps < l.MaxSteps {
		out.Steps++
		ui.startStep()
		req := wireRequest{Messages: convo, Tools: toolDefs, MaxTokens: l.MaxOutputTokens, Temperature: 0.2}
		if out.Steps == l.MaxSteps {
			req.ToolChoice = "none" // the last step answers with what it has
		}
		res, err := h.client.stream(ctx, &req, ui)
		if res != nil {
			out.Usage.InputTokens += res.Usage.InputTokens
			out.Usage.OutputTokens += res.Usage.OutputTokens
			h.budget.add(context.WithoutCancel(ctx), res.Usage.Total())
		}
		if err != nil {
			ui.finishStep()
			ui.say(h.failure(ctx, err))
			out.FinishReason = "error"
			return out
		}
		if len(res.ToolCalls) == 0 || out.Steps == l.MaxSteps {
			for _, call := range res.ToolCalls { // the provider ignored tool_choice "none"
				ui.toolInput(call.ID, call.Function.Name, nil)
				ui.toolError(call.ID, fmt.Sprintf("not run: an answer may take at most %d steps", l.MaxSteps))
			}
			ui.finishStep()
			out.FinishReason = "stop"
			return out
		}
		convo = append(convo, wireMessage{Role: "assistant", Content: optional(res.Text), ToolCalls: res.ToolCalls})
		for i, call := range res.ToolCalls {
			convo = append(convo, h.runTool(ctx, call, i, ui))
		}
		ui.finishStep()
		if out.Usage.Total() >= l.MaxTokens {
			ui.say(fmt.Sprintf("I stopped here: this answer used its token allowance (%d tokens). Ask a narrower question to go further.", l.MaxTokens))
			out.FinishReason = "length"
			return out
		}
		if ctx.Err() != nil {
			ui.say(h.failure(ctx, ctx.Err()))
			out.FinishReason = "length"
			return out
		}
	}
	return out
}

// runTool runs one call and returns the tool message for the model.
func (h *Handler) runTool(ctx context.Context, call wireToolCall, i int, ui *uiStream) wireMessage {
	name, raw := call.Function.Name, json.RawMessage(call.Function.Arguments)
	var input any
	if json.Unmarshal(raw, &input) != nil {
		input = call.Function.Arguments
	}
	ui.toolInput(call.ID, name, input)
	var result any
	var err error
	if i >= maxCallsPerStep {
		err = &Refusal{fmt.Sprintf("refused: at most %d tool calls run per step", maxCallsPerStep)}
	} else if _, ok := input.(map[string]any); !ok && len(raw) > 0 {
		err = &Refusal{"refused: the arguments are not a JSON object"}
	} else {
		result, err = h.tools.call(ctx, name, raw)
	}
	if err != nil {
		msg := h.toolFailure(ctx, name, err)
		ui.toolError(call.ID, msg)
		return toolMessage(call.ID, msg)
	}
	ui.toolOutput(call.ID, result)
	b, _ := json.Marshal(result)
	text, cut := arena.Excerpt(string(b), h.opt.Limits.MaxToolOutput)
	if cut {
		text += fmt.Sprintf("\n[result cut at %d bytes]", h.opt.Limits.MaxToolOutput)
	}
	return toolMessage(call.ID, text)
}

func toolMessage(id, content string) wireMessage {
	return wireMessage{Role: "tool", ToolCallID: id, Content: &content}
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// toolFailure is what the model and the user see of a failed tool: a
// refusal as it is, anything else as a generic line (logged in full).
func (h *Handler) toolFailure(ctx context.Context, name string, err error) string {
	var r *Refusal
	if errors.As(err, &r) {
		return r.Msg
	}
	if ctx.Err() != nil {
		return "stopped: the answer ran out of time"
	}
	h.opt.Logger.Warn("chat tool failed", "tool", name, "err", err)
	return "the tool failed (internal error); try another question"
}

// failure explains why the model could not continue.
func (h *Handler) failure(ctx context.Context, err error) string {
	var pe *ProviderError
	switch {
	case errors.As(err, &pe):
		return "I could not finish: " + pe.Msg + "."
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded):
		return fmt.Sprintf("I stopped here: an answer may take at most %s.", h.opt.Limits.Timeout)
	case ctx.Err() != nil:
		return "Stopped."
	}
	h.opt.Logger.Warn("chat model call failed", "err", err)
	return "I could not finish: the model call failed."
}
