package decision

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

// Config is what a Session checks decisions against.
type Config struct {
	Markets []arena.Market
	Prices  map[arena.Symbol]arena.Fixed // reference price per symbol (mark or mid)
	Account arena.AccountSnapshot
	Limits  RiskLimits
	// Cooldowns are the cooldown_until times earlier decisions set per
	// symbol; opening the symbol before then is refused.
	Cooldowns map[arena.Symbol]time.Time
	Now       func() time.Time // stamps recorded calls and checks times; time.Now when nil
}

// Call is one tool call as the model (or a baseline) wrote it.
type Call struct {
	ID        string // provider tool_call id
	Name      string
	Arguments json.RawMessage // raw text; need not be valid JSON
	Step      int
}

// Session checks and records the tool calls of one decision (one agent turn).
// Only a successfully executed action uses up a symbol (a HOLD decision does
// not), so a model may correct a rejected decision within the turn.
// It remembers the symbols already acted on and, until the executor reports a
// fresh account, the exposure and margin its accepted opens will use, so two
// trades in one turn cannot together exceed a limit either one respects.
// A Session is used by one goroutine.
type Session struct {
	markets    map[arena.Symbol]arena.Market
	prices     map[arena.Symbol]arena.Fixed
	account    arena.AccountSnapshot
	limits     RiskLimits
	cooldowns  map[arena.Symbol]time.Time
	now        func() time.Time
	acted      map[arena.Symbol]bool
	pendGross  arena.Fixed // notional of opens not yet in account
	pendMargin arena.Fixed // margin of opens not yet in account
}

// NewSession starts the checks of one decision.
func NewSession(c Config) *Session {
	s := &Session{
		markets: make(map[arena.Symbol]arena.Market, len(c.Markets)),
		prices:  c.Prices, account: c.Account, limits: c.Limits, cooldowns: c.Cooldowns, now: c.Now,
		acted: map[arena.Symbol]bool{},
	}
	for _, m := range c.Markets {
		s.markets[m.Symbol] = m
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s
}

// Account returns the session's current view of the account.
func (s *Session) Account() arena.AccountSnapshot { return s.account }

// Observe replaces the account view with a fresh one that already includes
// every intent executed so far, and drops the projections.
func (s *Session) Observe(a arena.AccountSnapshot) {
	s.account = a
	s.pendGross, s.pendMargin = 0, 0
}

// Handle checks one tool call, executes what passes through exec and
// returns the call's record; Output is the text to send back to the model.
func (s *Session) Handle(ctx context.Context, exec Executor, c Call) arena.ToolCall {
	rec := arena.ToolCall{CallID: c.ID, Step: c.Step, Name: c.Name, Arguments: rawArgs(c.Arguments), CreatedAt: s.now().UTC()}
	args := json.RawMessage(strings.TrimSpace(string(c.Arguments)))
	if len(args) == 0 {
		args = json.RawMessage("{}") // some servers send "" for a call without arguments
	}
	switch c.Name {
	case NameCreatePosition:
		rec.Type = arena.ToolCreatePosition
	case NameClosePosition:
		rec.Type = arena.ToolClosePosition
	case NameUpdateExitPlan:
		rec.Type = arena.ToolUpdateExitPlan
	case NameHolding:
		rec.Type = arena.ToolHolding
	default:
		rec.Type = arena.ToolUnknown
		return s.fail(rec, &Rejection{Reason: arena.FailureParseError, Code: CodeUnknownTool,
			Message: "unknown tool " + quoteTrunc(c.Name) + "; the tools are createPosition, closePosition, updateExitPlan and holding"})
	}
	if !json.Valid(args) {
		return s.fail(rec, &Rejection{Reason: arena.FailureParseError, Code: CodeInvalidJSON,
			Message: "the arguments are not valid JSON; send one JSON object matching the tool's schema"})
	}
	switch rec.Type {
	case arena.ToolCreatePosition:
		return s.createPosition(ctx, exec, rec, args)
	case arena.ToolClosePosition:
		return s.closePosition(ctx, exec, rec, args)
	case arena.ToolUpdateExitPlan:
		return s.updateExitPlan(ctx, exec, rec, args)
	}
	return s.holding(rec, args)
}

func (s *Session) fail(rec arena.ToolCall, rej *Rejection) arena.ToolCall {
	rec.Failure = rej.Failure()
	rec.Output = "Rejected (" + string(rej.Reason) + "/" + rej.Code + "): " + rej.Message
	return rec
}

// rawArgs keeps valid JSON as is and stores anything else as a JSON string,
// so the record is always valid JSON.
func rawArgs(b json.RawMessage) json.RawMessage {
	t := strings.TrimSpace(string(b))
	if t != "" && json.Valid([]byte(t)) {
		return json.RawMessage(t)
	}
	q, _ := json.Marshal(string(b))
	return q
}

func quoteTrunc(s string) string {
	if len(s) > 64 {
		s = s[:64] + "…"
	}
	q, _ := json.Marshal(s)
	return string(q)
}

func (s *Session) holding(rec arena.ToolCall, args json.RawMessage) arena.ToolCall {
	reason, rej := ParseHolding(args)
	if rej != nil {
		return s.fail(rec, rej)
	}
	rec.Results = []arena.ToolResult{{Action: arena.ActionHold, Reason: reason, Success: true}}
	rec.Output = "Holding. Turn ended."
	return rec
}
