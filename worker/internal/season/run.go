package season

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime"
	"sync"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/agent"
	"github.com/autonome-go/autonome/worker/internal/indicators"
	"github.com/autonome-go/autonome/worker/internal/llm"
	"github.com/autonome-go/autonome/worker/internal/marketdata/tape"
	"github.com/autonome-go/autonome/worker/internal/prompt"
)

// Options configure Run.
type Options struct {
	Config Config
	Tape   *tape.Tape
	// Roster gives the providers and per-model settings (base URL, price,
	// max tokens, temperature) of the entrants; zero: the built-in ones.
	Roster llm.Roster
	// Prompts are the season's templates (default prompt.Default());
	// EntrantPrompts replace them for one entrant (a prompt swap).
	Prompts        *prompt.Set
	EntrantPrompts map[string]*prompt.Set
	Getenv         func(string) string // API keys of live entrants; default: none
	// Recorded holds a replay's model calls by entrant. With Replay set,
	// every entrant not in Live is served from it and never reaches the
	// network.
	Recorded map[string][]Call
	Replay   bool
	Live     map[string]bool
	// Transport is the network of live entrants; default http.DefaultTransport.
	Transport http.RoundTripper
	// Parallel bounds the entrants deciding at once; default GOMAXPROCS.
	// It changes only the speed: every result is the same.
	Parallel int
}

// Result is what a season produced.
type Result struct {
	Leaderboard  []Row           `json:"leaderboard"`
	Ledger       []EntrantLedger `json:"ledger"`
	Hash         string          `json:"resultHash"`
	Slots        int             `json:"slots"`
	SkippedSlots int             `json:"skippedSlots"` // no market snapshot yet (no stats on the tape before them)
	// Equity is each entrant's equity at every 5-minute boundary, in
	// roster order (the curves a dashboard draws; not part of the hash).
	Equity []EquitySeries `json:"equity,omitempty"`
	// Trades are each entrant's closed trades (arena.Position.ClosedTrade),
	// in roster order (for the dashboard's trade statistics; not part of
	// the hash: the ledger hash covers every record they come from).
	Trades []EntrantTrades `json:"trades,omitempty"`
	Calls  []Call          `json:"-"`
	// Timing splits the run's wall time (for benchmarks; not part of the
	// result): bringing the exchanges to each slot, and deciding.
	Timing      struct{ Feed, Decide time.Duration } `json:"-"`
	Invocations []Invocation                         `json:"-"`
}

// phaseClock reads the clock Result.Timing is measured on (a benchmark
// measures the thread's CPU time instead).
var phaseClock = time.Now

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// Run runs a season: every slot from Config.Start to Config.End, each
// entrant on its own exchange fed by the tape.
func Run(ctx context.Context, o Options) (*Result, error) {
	cfg := &o.Config
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if o.Prompts == nil {
		p, err := prompt.Default()
		if err != nil {
			return nil, err
		}
		o.Prompts = p
	}
	es, err := o.entrants()
	if err != nil {
		return nil, err
	}
	hist, err := tape.NewHistory(o.Tape.Candles)
	if err != nil {
		return nil, fmt.Errorf("season: tape history: %w", err)
	}
	res := &Result{}
	msgs, cursor := o.Tape.Messages, 0
	for slot := cfg.Start; slot.Before(cfg.End); slot = slot.Add(time.Duration(cfg.Interval)) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		for ; cursor < len(msgs) && !msgs[cursor].Time().After(slot); cursor++ {
			hist.Observe(msgs[cursor])
		}
		t0 := phaseClock()
		o.each(es, func(e *entrant) { e.reach(slot) })
		res.Timing.Feed += phaseClock().Sub(t0)
		res.Slots++
		market, err := agent.MarketSnapshot(ctx, hist, slot, cfg.Exchange.Markets)
		if err != nil {
			res.SkippedSlots++
			continue
		}
		t0 = phaseClock()
		st := standings(es, slot)
		o.each(es, func(e *entrant) { e.decide(ctx, slot, market, st) })
		res.Timing.Decide += phaseClock().Sub(t0)
		for _, e := range es {
			if d := e.calls.divergence; d != nil {
				return nil, d
			}
			if e.err != nil {
				return nil, fmt.Errorf("season: %s at %s: %w", e.spec.ID, slot.Format(time.RFC3339), e.err)
			}
		}
	}
	o.each(es, func(e *entrant) { e.reach(cfg.End) })
	for _, e := range es {
		if !o.live(e.spec.ID) && e.calls.next < len(e.calls.recorded) {
			c := e.calls.recorded[e.calls.next]
			return nil, &Divergence{Entrant: e.spec.ID, Seq: c.Seq, Slot: c.Slot, Offset: -2, Recorded: c.Request,
				Rebuilt: "(no request: the replay made fewer model calls than the recording)"}
		}
		res.Calls = append(res.Calls, e.calls.out...)
		res.Invocations = append(res.Invocations, e.invs...)
	}
	res.Leaderboard, res.Ledger, res.Equity = leaderboard(es), ledgers(es), equitySeries(es)
	for _, e := range es {
		res.Trades = append(res.Trades, EntrantTrades{Entrant: e.spec.ID, Trades: e.trades})
	}
	res.Hash, err = resultHash(res.Leaderboard, res.Ledger)
	return res, err
}

func (o *Options) live(id string) bool { return !o.Replay || o.Live[id] }

func (o *Options) entrants() ([]*entrant, error) {
	cfg := &o.Config
	if cfg.Exchange.Markets == nil {
		cfg.Exchange.Markets = o.Tape.Header.Markets
	}
	es := make([]*entrant, 0, len(cfg.Entrants))
	for _, spec := range cfg.Entrants {
		e, err := newEntrant(spec, cfg.Exchange, o.Tape.Messages)
		if err != nil {
			return nil, fmt.Errorf("season: entrant %s: %w", spec.ID, err)
		}
		e.calls = &callLog{entrant: spec.ID, clock: e.clock, recorded: o.Recorded[spec.ID]}
		if o.live(spec.ID) {
			e.calls.live = o.Transport
			if e.calls.live == nil {
				e.calls.live = http.DefaultTransport
			}
		}
		if e.seat, err = o.seat(e); err != nil {
			return nil, err
		}
		e.prompts = o.Prompts
		if p := o.EntrantPrompts[spec.ID]; p != nil {
			e.prompts = p
		}
		e.interval = agent.IntervalMinutes(time.Duration(cfg.Interval))
		if e.system, err = agent.SystemPrompt(e.prompts, e.seat, cfg.Exchange.Markets, e.interval); err != nil {
			return nil, err
		}
		es = append(es, e)
	}
	return es, nil
}

// seat builds the entrant's agent exactly as the worker does (llm.Lineup),
// on the entrant's clock and call log.
func (o *Options) seat(e *entrant) (llm.Seat, error) {
	getenv := o.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	providers := o.Roster.Providers
	if providers == nil {
		providers = llm.DefaultProviders()
	}
	if !o.live(e.spec.ID) { // served from the recording: no key needed, none sent
		providers = append([]llm.ProviderConfig(nil), providers...)
		for i := range providers {
			providers[i].KeyOptional = true
		}
	}
	opt := llm.Options{Getenv: getenv, Logger: quiet, Providers: providers, Models: o.Roster.Models,
		BaselineSeed: o.Config.BaselineSeed, HTTPClient: &http.Client{Transport: e.calls}, Now: e.clock.now, Sleep: e.calls.sleep}
	seats, err := llm.Lineup([]arena.RosterEntry{e.spec.Entry}, opt)
	if err != nil {
		return llm.Seat{}, fmt.Errorf("season: entrant %s: %w", e.spec.ID, err)
	}
	if len(seats) == 0 {
		st, _ := llm.Statuses([]arena.RosterEntry{e.spec.Entry}, opt)
		hint := "its provider's key"
		if len(st) == 1 && st[0].KeyEnv != "" {
			hint = st[0].KeyEnv
		}
		return llm.Seat{}, fmt.Errorf("season: entrant %s cannot run: no API key (set %s)", e.spec.ID, hint)
	}
	return seats[0], nil
}

// each runs f on every entrant, up to Parallel at once. Entrants share
// nothing mutable, so the order they run in changes nothing.
func (o *Options) each(es []*entrant, f func(*entrant)) {
	n := o.Parallel
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	if n == 1 {
		for _, e := range es {
			f(e)
		}
		return
	}
	work := make(chan *entrant)
	var wg sync.WaitGroup
	for range min(n, len(es)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for e := range work {
				f(e)
			}
		}()
	}
	for _, e := range es {
		work <- e
	}
	close(work)
	wg.Wait()
}

// reach brings the entrant's exchange to slot (unless its last turn ran
// past it) and samples its equity on 5-minute boundaries.
func (e *entrant) reach(slot time.Time) {
	if !e.busyTill.After(slot) {
		e.advance(slot)
	}
	if slot.Truncate(5 * time.Minute).Equal(slot) {
		if a, err := e.ex.Snapshot(e.spec.ID); err == nil {
			e.samples = append(e.samples, sample{at: slot, equity: a.Equity})
		}
	}
}

// standings ranks every entrant as the live cycle does, from each one's
// equity at slot and its first equity within the leaderboard window.
func standings(es []*entrant, slot time.Time) agent.Standings {
	models := make([]arena.AgentModel, len(es))
	snaps := make([]arena.AccountSnapshot, 0, len(es))
	first := make(map[string]arena.Fixed, len(es))
	for i, e := range es {
		models[i] = e.model
		if a, err := e.ex.Snapshot(e.spec.ID); err == nil {
			snaps = append(snaps, a)
		}
		for _, s := range e.samples {
			if !s.at.Before(slot.Add(-agent.StandingsWindow)) {
				first[e.spec.ID] = s.equity
				break
			}
		}
	}
	return agent.RankStandings(models, snaps, first)
}

// decide runs the entrant's decision of slot with the live arena's code.
func (e *entrant) decide(ctx context.Context, slot time.Time, market *indicators.Snapshot, st agent.Standings) {
	if e.busyTill.After(slot) { // its previous decision is still running, as live
		e.stats.Skipped++
		return
	}
	e.clock.set(slot)
	e.calls.slot = slot
	acct, err := e.ex.Snapshot(e.spec.ID)
	if err != nil {
		e.err = err
		return
	}
	in, err := agent.BuildInput(e.prompts, agent.Turn{Now: slot, Model: e.model, System: e.system, Limits: e.seat.Limits,
		IntervalMinutes: e.interval, Account: acct, Market: market,
		Markets: e.cfg.Markets, Prices: e.ex.Prices(), Standings: st, Closes: e.closes(slot), Calls: e.recentCalls(slot)})
	if err != nil {
		e.err = err
		return
	}
	exec := agent.NewExecutor(e, e, quiet, e.spec.ID, agent.Decision{ModelID: e.spec.ID, Slot: slot})
	inv, _ := e.seat.Agent.Decide(ctx, in, exec)
	if errors.Is(ctx.Err(), context.Canceled) {
		e.err = ctx.Err()
		return
	}
	e.stats.Decisions++
	if inv.Failure != nil {
		e.stats.Failed++
	}
	e.model.InvocationCount++
	inv.ID, inv.ModelID = e.spec.ID+"@"+slot.UTC().Format(time.RFC3339), e.spec.ID
	for i := range inv.ToolCalls {
		inv.ToolCalls[i].ID, inv.ToolCalls[i].InvocationID = fmt.Sprintf("%s#%d", inv.ID, i), inv.ID
	}
	e.past = append(agent.DecisionCalls(&inv, e.cfg.Markets), e.past...)
	e.invs = append(e.invs, Invocation{Entrant: e.spec.ID, Slot: slot, Turn: inv})
	e.busyTill = e.clock.now()
	e.model.TotalMinutes = int(e.busyTill.Sub(e.firstSlot(slot)) / time.Minute)
}

func (e *entrant) firstSlot(slot time.Time) time.Time {
	if len(e.invs) > 0 {
		return e.invs[0].Slot
	}
	return slot
}

// closes are the entrant's 5-minute equity closes over the Sharpe window
// before slot, in cents, as the live store returns them.
func (e *entrant) closes(slot time.Time) []int64 {
	from := slot.Add(-agent.SharpeWindow)
	var out []int64
	for _, s := range e.samples {
		if !s.at.Before(from) && s.at.Before(slot) {
			out = append(out, int64(s.equity)/(arena.FixedScale/100))
		}
	}
	return out
}

// recentCalls are the entrant's createPosition calls within the decision
// window, newest first, at most agent.DecisionLookups (the live query's
// bound).
func (e *entrant) recentCalls(slot time.Time) []arena.DecisionCall {
	from := slot.Add(-agent.DecisionWindow)
	n := 0
	for n < len(e.past) && n < agent.DecisionLookups && !e.past[n].At.Before(from) {
		n++
	}
	e.past = e.past[:min(len(e.past), agent.DecisionLookups*2)]
	return e.past[:n]
}
