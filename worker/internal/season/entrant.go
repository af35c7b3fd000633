package season

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"hash"
	"hash/fnv"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/agent"
	"github.com/autonome-go/autonome/worker/internal/exchange"
	"github.com/autonome-go/autonome/worker/internal/llm"
	"github.com/autonome-go/autonome/worker/internal/marketdata"
	"github.com/autonome-go/autonome/worker/internal/prompt"
)

// entrant is one seat: its own exchange fed by the shared tape, its own
// clock, model calls and decision history. Only one goroutine at a time
// touches an entrant.
type entrant struct {
	spec     Entrant
	model    arena.AgentModel
	seat     llm.Seat
	system   string
	interval int // minutes, as the prompts state it
	prompts  *prompt.Set
	calls    *callLog
	clock    *clock

	ex       *exchange.Exchange
	cfg      ExchangeConfig
	msgs     []marketdata.Message
	cursor   int
	busyTill time.Time // the end of its last turn

	fills   map[string][]arena.LedgerFill
	ledger  hash.Hash // SHA-256 of every record batch, in order
	nFills  int
	trades  []arena.Position     // closed trades, in order
	past    []arena.DecisionCall // newest first
	samples []sample             // equity at each 5-minute slot
	stats   entrantStats
	invs    []Invocation
	err     error
}

type sample struct {
	at     time.Time
	equity arena.Fixed
}

type entrantStats struct {
	Decisions int `json:"decisions"`
	Failed    int `json:"failed"`
	Skipped   int `json:"skipped"`
	FeedErrs  int `json:"-"` // diagnostics: an idle account skips messages
}

// Invocation is one decision as recorded in a bundle (invocations.jsonl):
// what the dashboards show as the model's chat.
type Invocation struct {
	Entrant string           `json:"entrant"`
	Slot    time.Time        `json:"slot"`
	Turn    arena.Invocation `json:"turn"`
}

func newEntrant(spec Entrant, cfg ExchangeConfig, msgs []marketdata.Message) (*entrant, error) {
	e := &entrant{spec: spec, cfg: cfg, msgs: msgs, clock: &clock{}, fills: map[string][]arena.LedgerFill{}, ledger: sha256.New()}
	h := fnv.New64a()
	h.Write([]byte(spec.ID))
	ex, err := exchange.New(cfg.config(cfg.Seed^h.Sum64(), e))
	if err != nil {
		return nil, err
	}
	if err := ex.OpenAccount(spec.ID); err != nil {
		return nil, err
	}
	e.ex = ex
	en := spec.Entry
	e.model = arena.AgentModel{Model: arena.Model{ID: spec.ID, Name: en.Name, ProviderModel: en.ProviderModel, Variant: en.Variant,
		Provider: en.Provider, Kind: en.Kind, Active: true}}
	return e, nil
}

// Publish implements exchange.Sink: it hashes every batch and keeps the
// fills the executor reports realized PnL from.
//
// Batches without records (a new funding basis or mark, persisted by the
// live simulator for restarts) are not hashed: the final exchange state
// holds that state, and an idle account skips most of them (see advance).
func (e *entrant) Publish(b *arena.Batch) {
	if b.Empty() {
		return
	}
	seq := b.Seq // counts the skipped state-only batches too
	b.Seq = 0
	raw, _ := json.Marshal(b) // plain records: cannot fail
	b.Seq = seq
	e.ledger.Write(raw)
	for _, p := range b.Positions {
		if p.ClosedTrade() {
			e.trades = append(e.trades, p)
		}
	}
	for _, f := range b.Fills {
		e.nFills++
		e.fills[f.OrderID] = append(e.fills[f.OrderID], arena.LedgerFill{Quantity: f.Quantity, Price: f.Price,
			Amount: f.RealizedPnL - f.Fee, At: f.Time})
	}
}

// advance feeds the exchange every tape message up to t, then moves its
// clock to t. While the account is idle (no position, no live order) only
// the latest state of each book matters, so it starts each symbol at its
// last snapshot before t and applies only the last stats of each symbol,
// skipping trades (they only move resting orders' queues): the exchange
// ends in exactly the state the whole stream would give it, far faster.
func (e *entrant) advance(t time.Time) {
	end := e.cursor
	for end < len(e.msgs) && !e.msgs[end].Time().After(t) {
		end++
	}
	if end > e.cursor && e.idle() {
		e.skipTo(end)
	}
	for ; e.cursor < end; e.cursor++ {
		e.apply(&e.msgs[e.cursor])
	}
	e.ex.Advance(t)
}

func (e *entrant) apply(m *marketdata.Message) {
	var err error
	switch m.Kind {
	case marketdata.KindBook:
		err = e.ex.ApplyBook(m.Book.Time, m.Book)
	case marketdata.KindTrade:
		err = e.ex.ApplyTrade(m.Trade.Time, m.Trade)
	case marketdata.KindStats:
		err = e.ex.ApplyStats(m.Stats.Time, m.Stats)
	}
	if err != nil {
		e.stats.FeedErrs++
	}
}

func (e *entrant) idle() bool {
	a, err := e.ex.Snapshot(e.spec.ID)
	if err != nil || len(a.Orders) > 0 {
		return false
	}
	for _, p := range a.Positions {
		if p.Quantity > 0 {
			return false
		}
	}
	return true
}

// skipTo applies, of the messages before end, what an idle account's
// exchange needs: each symbol's book from its last snapshot on and its last
// stats, in tape order. Symbols without a snapshot in the span get every
// book update.
func (e *entrant) skipTo(end int) {
	type marks struct{ snapshot, stats int }
	last := map[arena.Symbol]*marks{}
	for i := end - 1; i >= e.cursor; i-- {
		m := &e.msgs[i]
		mk := last[m.Symbol()]
		if mk == nil {
			mk = &marks{snapshot: -1, stats: -1}
			last[m.Symbol()] = mk
		}
		switch {
		case m.Kind == marketdata.KindStats && mk.stats < 0:
			mk.stats = i
		case m.Kind == marketdata.KindBook && m.Book.Snapshot && mk.snapshot < 0:
			mk.snapshot = i
		}
	}
	for i := e.cursor; i < end; i++ {
		m := &e.msgs[i]
		mk := last[m.Symbol()]
		switch m.Kind {
		case marketdata.KindBook:
			if i < mk.snapshot {
				continue
			}
		case marketdata.KindStats:
			if i != mk.stats {
				continue
			}
		default:
			continue
		}
		e.apply(m)
	}
	e.cursor = end
}

// The entrant is the agents' Trader on its own exchange: every call happens
// at the entrant's clock (the slot plus the model time spent so far), and an
// order is waited for by feeding the tape up to its due time.
var _ agent.Trader = (*entrant)(nil)

func (e *entrant) Markets() []arena.Market { return e.ex.Markets() }
func (e *entrant) Prices() []arena.Price   { return e.ex.Prices() }

func (e *entrant) Snapshot(id string) (arena.AccountSnapshot, error) { return e.ex.Snapshot(id) }

func (e *entrant) Snapshots() []arena.AccountSnapshot { return e.ex.Snapshots() }

func (e *entrant) PlaceOrder(ctx context.Context, req arena.OrderRequest) (arena.Order, error) {
	now := e.clock.now()
	e.advance(now)
	o, err := e.ex.SubmitOrder(now, req)
	if err != nil || o.State != arena.OrderPending {
		return o, err
	}
	e.clock.set(o.DueAt)
	e.advance(o.DueAt)
	return e.ex.Wait(ctx, req.AccountID, req.OrderID)
}

func (e *entrant) ClosePosition(ctx context.Context, accountID, orderID string, sym arena.Symbol) (arena.Order, error) {
	return e.PlaceOrder(ctx, arena.OrderRequest{AccountID: accountID, OrderID: orderID, Symbol: sym,
		Type: arena.OrderMarket, ReduceOnly: true, ClosePosition: true})
}

func (e *entrant) UpdateExitPlan(_ context.Context, accountID string, sym arena.Symbol, plan arena.ExitPlan) (arena.Position, error) {
	now := e.clock.now()
	e.advance(now)
	return e.ex.UpdateExitPlan(now, accountID, sym, plan)
}

func (e *entrant) ResetAccount(_ context.Context, accountID string) error {
	now := e.clock.now()
	e.advance(now)
	return e.ex.ResetAccount(now, accountID)
}

// OrderFills implements agent.FillReader from the entrant's own records.
func (e *entrant) OrderFills(_ context.Context, _, orderID string) ([]arena.LedgerFill, error) {
	return e.fills[orderID], nil
}
