package agent

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/llm"
	"github.com/autonome-go/autonome/worker/internal/marketdata"
	"github.com/autonome-go/autonome/worker/internal/prompt"
)

// DefaultTimeout bounds one decision, as the reference's hard timeout does.
const DefaultTimeout = 9 * time.Minute

// recordTimeout bounds writing a decision's record after the decision
// itself ended (even by its own timeout).
const recordTimeout = 30 * time.Second

// Options configure a Runner.
type Options struct {
	Trader  Trader
	History marketdata.History
	Store   Store              // postgres.Agents
	Reader  ConversationReader // postgres.Reader; seeds the conversations channel's state (none when nil)
	Events  Publisher
	Prompts *prompt.Set // default prompt.Default()
	Seats   []llm.Seat  // the agents, from llm.Lineup
	// Interval is the trade interval (TRADE_INTERVAL), shown to the models.
	Interval time.Duration
	// Timeout bounds one decision; default DefaultTimeout. A decision left
	// running longer than Timeout + 1 min (its worker died) is failed as
	// abandoned by the model's next decision.
	Timeout time.Duration
	Log     *slog.Logger
	Now     func() time.Time // default time.Now
	// OnRunning, if set, is told when a decision of a model starts and ends
	// (started is the same both times).
	OnRunning func(modelID string, started time.Time, running bool)
}

// Runner runs decisions. It is safe for concurrent use; Run must be running
// for its events to be published.
type Runner struct {
	trader  Trader
	history marketdata.History
	store   Store
	prompts *prompt.Set
	log     *slog.Logger
	now     func() time.Time
	opts    Options
	seats   map[seatKey]*seat
	cycles  cycleCache
	feed    *feed
}

type seatKey struct {
	name    string
	variant arena.Variant
}

// seat is an agent ready to decide, with its system prompt rendered once.
type seat struct {
	llm.Seat
	system string
}

// New checks o, renders every seat's system prompt and loads the latest
// conversations for the conversations channel's state.
func New(ctx context.Context, o Options) (*Runner, error) {
	if o.Trader == nil || o.History == nil || o.Store == nil || o.Events == nil {
		return nil, errors.New("agent: Trader, History, Store and Events are required")
	}
	if o.Interval <= 0 {
		return nil, errors.New("agent: the trade interval must be positive")
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Prompts == nil {
		p, err := prompt.Default()
		if err != nil {
			return nil, err
		}
		o.Prompts = p
	}
	r := &Runner{trader: o.Trader, history: o.History, store: o.Store, prompts: o.Prompts, log: o.Log, now: o.Now, opts: o,
		seats: make(map[seatKey]*seat, len(o.Seats)), feed: newFeed(o.Events, o.Log)}
	r.cycles = cycleCache{build: r.buildCycle, entries: map[int64]*cycleEntry{}}
	for _, s := range o.Seats {
		if err := s.Limits.Validate(); err != nil {
			return nil, fmt.Errorf("agent: %s/%s: %w", s.Entry.Name, s.Entry.Variant, err)
		}
		sys, err := SystemPrompt(o.Prompts, s, o.Trader.Markets(), r.intervalMinutes())
		if err != nil {
			return nil, fmt.Errorf("agent: %w", err)
		}
		r.seats[seatKey{s.Entry.Name, s.Entry.Variant}] = &seat{Seat: s, system: sys}
	}
	if err := r.seedConversations(ctx); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *Runner) intervalMinutes() int { return IntervalMinutes(r.opts.Interval) }

// Run publishes the runner's events until ctx ends.
func (r *Runner) Run(ctx context.Context) error { return r.feed.run(ctx) }

func (r *Runner) seedConversations(ctx context.Context) error {
	if r.opts.Reader == nil {
		return nil
	}
	models, err := r.store.AgentModels(ctx)
	if err != nil {
		return fmt.Errorf("agent: %w", err)
	}
	invs, err := r.opts.Reader.Invocations(ctx, arena.InvocationFilter{Limit: MaxConversations, ToolLimit: maxCallsShown})
	if err != nil {
		return fmt.Errorf("agent: load recent conversations: %w", err)
	}
	byID := make(map[string]arena.AgentModel, len(models))
	for _, m := range models {
		byID[m.ID] = m
	}
	r.feed.seed(conversationsFromRows(invs, byID))
	return nil
}

// Participants returns the ids of the active models that have an agent:
// those a cycle runs. Models without one (no API key for their provider)
// are left out; llm.Lineup has said so once.
func (r *Runner) Participants(ctx context.Context) ([]string, error) {
	models, err := r.store.AgentModels(ctx)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, m := range models {
		if m.Active && r.seats[seatKey{m.Name, m.Variant}] != nil {
			ids = append(ids, m.ID)
		}
	}
	return ids, nil
}

// Prepare starts gathering the shared data of slot's cycle, so the
// decisions of the slot find it ready; it does not wait for it.
func (r *Runner) Prepare(ctx context.Context, slot time.Time) { r.cycles.start(ctx, slot) }

// Decision identifies one decision: a model, a cycle slot (its start) and
// the attempt (0 first, then one per retry of the slot).
type Decision struct {
	ModelID string
	Slot    time.Time
	Attempt int
}

// CycleSlot is the "Invocations".cycleSlot of d: unique per model.
func (d Decision) CycleSlot() string {
	s := d.Slot.UTC().Format(time.RFC3339)
	if d.Attempt > 0 {
		s += "#" + strconv.Itoa(d.Attempt)
	}
	return s
}

// Status is how a decision ended.
type Status string

// Statuses.
const (
	Succeeded Status = "success"
	Failed    Status = "failed"
	Skipped   Status = "skipped" // not run: see Outcome.Detail
)

// Outcome is what a decision did.
type Outcome struct {
	Status       Status         `json:"status"`
	InvocationID string         `json:"invocationId,omitempty"`
	Failure      *arena.Failure `json:"failure,omitempty"`
	Detail       string         `json:"detail,omitempty"`
	// Retryable is set on a failure that trying again could fix (rate
	// limits, 5xx, timeouts) and that changed nothing in the account.
	Retryable  bool          `json:"retryable,omitempty"`
	RetryAfter time.Duration `json:"-"` // the provider's, when it said
	Timing     Timing        `json:"timing"`
	// Usage and CostUSD are the turn's tokens and price; ModelLatency the
	// time spent waiting for the model (zero when the turn never ran).
	Usage        arena.Usage   `json:"usage"`
	CostUSD      arena.Fixed   `json:"costUsd"`
	ModelLatency time.Duration `json:"modelLatencyNs"`
}

// Timing splits a decision's wall time.
type Timing struct {
	Gather time.Duration `json:"gatherNs"` // cycle data, account, prompts
	Agent  time.Duration `json:"agentNs"`  // the agent's turn, tools included
	Record time.Duration `json:"recordNs"` // storing the record
}

// Decide runs decision d. The error is for failures around the turn (the
// database or the history unavailable before the turn started, or the
// record not stored): the decision may be tried again. A failed turn is
// not an error: it is recorded, counted and reported in the Outcome.
func (r *Runner) Decide(ctx context.Context, d Decision) (Outcome, error) {
	start := r.now()
	c, err := r.cycles.get(ctx, d.Slot)
	if err != nil {
		return Outcome{}, err
	}
	m, ok := c.models[d.ModelID]
	if !ok {
		return Outcome{Status: Skipped, Detail: "unknown model"}, nil
	}
	st := r.seats[seatKey{m.Name, m.Variant}]
	if st == nil || !m.Active {
		return Outcome{Status: Skipped, Detail: "the model has no agent or is inactive"}, nil
	}
	acct, err := r.trader.Snapshot(d.ModelID)
	if err != nil {
		return Outcome{Status: Skipped, Detail: "the simulator has no account for the model: " + arena.ErrorMessage(err)}, nil
	}
	gctx, gspan := phase(ctx, "gather")
	in, err := r.input(gctx, c, m, st, acct)
	gspan.End()
	if err != nil {
		return Outcome{}, err
	}
	id := uuid.NewString()
	began := r.now()
	err = r.store.BeginInvocation(ctx, id, d.ModelID, d.CycleSlot(), began, began.Add(-r.opts.Timeout-time.Minute))
	if err != nil {
		return r.notBegun(ctx, d, err)
	}
	out := Outcome{InvocationID: id}
	out.Timing.Gather = r.now().Sub(start)
	r.running(d.ModelID, began, true)
	defer r.running(d.ModelID, began, false)

	dctx, cancel := context.WithTimeout(ctx, r.opts.Timeout)
	exec := &executor{trader: r.trader, fills: r.store, log: r.log, account: d.ModelID, tag: orderTag(d)}
	agentStart := r.now()
	tctx, tspan := phase(llm.WithTurn(dctx, llm.Turn{Account: d.ModelID, Invocation: id}), "turn")
	inv, turnErr := st.Agent.Decide(tctx, in, exec)
	tspan.End()
	cancel()
	out.Timing.Agent = r.now().Sub(agentStart)
	r.classify(&out, &inv, turnErr, exec)
	out.Usage, out.CostUSD, out.ModelLatency = inv.Usage, inv.CostUSD, time.Duration(inv.LatencyMS)*time.Millisecond

	recStart := r.now()
	rctx, rspan := phase(ctx, "record")
	err = r.finish(rctx, &inv, id, d, c, m, began)
	rspan.End()
	if err != nil {
		if ferr := r.failUnrecorded(ctx, &out, id, d.ModelID); ferr != nil {
			return out, errors.Join(err, ferr)
		}
		r.log.Error("decision record not stored; recorded as failed", "invocation", id, "model", d.ModelID, "err", err)
	}
	out.Timing.Record = r.now().Sub(recStart)
	return out, nil
}

// LastFailure returns the failure of the latest failed attempt of the
// model's decision in slot, or nil: what a slot whose retries ran past it
// ended with.
func (r *Runner) LastFailure(ctx context.Context, modelID string, slot time.Time) (*arena.Failure, error) {
	return r.store.LastSlotFailure(ctx, modelID, Decision{ModelID: modelID, Slot: slot}.CycleSlot())
}

// notBegun answers a decision whose invocation could not be started.
func (r *Runner) notBegun(ctx context.Context, d Decision, err error) (Outcome, error) {
	switch {
	case errors.Is(err, arena.ErrModelBusy):
		return Outcome{Status: Skipped, Detail: "the model's previous decision is still running"}, nil
	case errors.Is(err, arena.ErrDecisionRecorded):
		status, _, serr := r.store.InvocationStatus(ctx, d.ModelID, d.CycleSlot())
		if serr != nil {
			return Outcome{}, serr
		}
		switch status {
		case arena.StatusSuccess:
			return Outcome{Status: Succeeded, Detail: "already decided"}, nil
		case arena.StatusFailed:
			return Outcome{Status: Failed, Detail: "already decided"}, nil
		}
		return Outcome{Status: Skipped, Detail: "this decision is already running"}, nil
	}
	return Outcome{}, err
}

// classify sets the outcome of a finished turn.
func (r *Runner) classify(out *Outcome, inv *arena.Invocation, turnErr error, exec *executor) {
	if inv.Failure == nil && turnErr != nil { // an agent that broke its contract
		inv.Failure = &arena.Failure{Reason: arena.FailureProviderError, Code: "internal", Message: "the agent failed"}
		inv.Finish = arena.FinishFailed
		r.log.Error("agent returned an error without a failure", "err", turnErr)
	}
	out.Status = Succeeded
	if inv.Failure == nil {
		return
	}
	out.Status, out.Failure = Failed, inv.Failure
	var le *llm.Error
	if errors.As(turnErr, &le) {
		out.Retryable, out.RetryAfter = le.Transient() && !exec.touched, le.RetryAfter
	}
}

// finish records the turn and queues its events. It writes with its own
// deadline: a turn that ran out of time is still recorded.
func (r *Runner) finish(ctx context.Context, inv *arena.Invocation, id string, d Decision, c *cycle, m arena.AgentModel, began time.Time) error {
	assignIDs(inv, id, d.ModelID)
	rec, err := newRecord(inv, turnInfo{model: m, cycleSlot: d.CycleSlot(), attempt: d.Attempt,
		markets: marketMap(c.markets), began: began, finished: r.now()})
	if err != nil {
		return err
	}
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	for attempt := 0; ; attempt++ {
		err = r.store.FinishInvocation(wctx, rec.row)
		if err == nil || errors.Is(err, arena.ErrNotRunning) || attempt == 2 || wctx.Err() != nil {
			break
		}
		time.Sleep(time.Duration(attempt+1) * 500 * time.Millisecond)
	}
	if err != nil {
		return fmt.Errorf("record decision %s of %s: %w", id, d.ModelID, err)
	}
	conv := rec.conversation
	conv.ToolCalls = conv.ToolCalls[:min(len(conv.ToolCalls), maxCallsShown)]
	if err := r.feed.conversation(conv); err != nil {
		r.log.Error("conversation not published", "invocation", id, "err", err)
	}
	return nil
}

// recordFailed is the failure of a decision whose record could not be
// stored.
var recordFailed = arena.Failure{Reason: arena.FailureProviderError, Code: "record_failed",
	Message: "the decision's record could not be stored; its trades, if any, are in the account's history"}

// failUnrecorded closes a decision whose record could not be stored as
// failed, so its row does not stay running.
func (r *Runner) failUnrecorded(ctx context.Context, out *Outcome, id, modelID string) error {
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	err := r.store.FailInvocation(wctx, id, modelID, recordFailed, r.now())
	if err != nil && !errors.Is(err, arena.ErrNotRunning) {
		return err
	}
	f := recordFailed
	out.Status, out.Failure, out.Retryable = Failed, &f, false
	return nil
}

func (r *Runner) running(modelID string, started time.Time, on bool) {
	if r.opts.OnRunning != nil {
		r.opts.OnRunning(modelID, started, on)
	}
}

// orderTag prefixes the client order ids of one decision.
func orderTag(d Decision) string {
	return "agent-" + strconv.FormatInt(d.Slot.Unix(), 10) + "-" + strconv.Itoa(d.Attempt)
}

func marketMap(ms []arena.Market) map[arena.Symbol]arena.Market {
	out := make(map[arena.Symbol]arena.Market, len(ms))
	for _, m := range ms {
		out[m.Symbol] = m
	}
	return out
}
