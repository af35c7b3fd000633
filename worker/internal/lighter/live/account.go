package live

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/exchange"
	"github.com/autonome-go/autonome/worker/internal/lighter/signer"
	"github.com/autonome-go/autonome/worker/internal/lighter/venue"
)

// Ledger is the arena's ledger (the simulator) as a live account uses it:
// the venue's fills are booked into it, so the tables the dashboard and
// leaderboard read hold the live account like any other, and what it holds
// is what reconciliation compares with the venue.
type Ledger interface {
	Snapshot(accountID string) (arena.AccountSnapshot, error)
	Prices() []arena.Price
	BookVenueFill(ctx context.Context, f exchange.VenueFill) (arena.Order, error)
	ResetAccountTo(ctx context.Context, accountID string, capital arena.Fixed) error
	// BookVenueFunding books one funding payment of the venue; VenueRefs
	// lists those already booked (written or on their way).
	BookVenueFunding(ctx context.Context, f exchange.VenueFunding) (arena.FundingPayment, error)
	VenueRefs(ctx context.Context, accountID string) (map[string]bool, error)
}

// AccountConfig configures one model trading live.
type AccountConfig struct {
	ModelID   string // "Models".id: the ledger account
	Label     string // "name/variant", for logs and the summary
	StreamURL string // the venue's WebSocket stream
	// SlippageBps bounds a market order's price: the mark ± this many bps
	// (default 50). Stop and take-profit orders get the same room.
	SlippageBps arena.Fixed
	// FillWait is how long an order waits for the venue's fills (default 10 s).
	FillWait time.Duration
	// Grace is how long a difference must last before reconciliation halts
	// the model (default 2 s): fills may be on their way.
	Grace time.Duration
	// Reconcile is the reconciliation interval (default one minute).
	Reconcile time.Duration
	Log       *slog.Logger
}

// Account is one model trading on the venue: it places the agents' orders
// through its Trader, books the fills the venue streams into the ledger,
// and reconciles the two every Reconcile interval and after every reconnect.
type Account struct {
	cfg    AccountConfig
	trader *Trader
	ledger Ledger

	mu        sync.Mutex
	orders    map[string]*tracked // by our order id
	byClient  map[int64]*tracked
	lastTrade int64
	funding   sync.Mutex      // one syncFunding at a time (stream and ticker); guards funded
	funded    map[string]bool // venue funding refs booked
	changed   chan struct{}   // closed and replaced whenever a fill is booked
	status    Status
}

// tracked is one of our orders on the venue.
type tracked struct {
	id       string
	client   int64
	symbol   arena.Symbol
	side     arena.Side
	size     arena.Fixed // sent, floored to lots (0 until the venue took it)
	filled   arena.Fixed
	leverage arena.Fixed
	trigger  arena.CloseTrigger // STOP or TARGET for exit orders
	resting  bool               // an exit order resting on the venue
	order    arena.Order        // the ledger's record after the last fill
}

// Status is what the worker's health reports of a live model.
type Status struct {
	Model      string    `json:"model"`
	Account    int64     `json:"account"`
	DryRun     bool      `json:"dryRun"`
	Killed     bool      `json:"killed"`
	Halted     string    `json:"halted,omitempty"`
	Error      string    `json:"error,omitempty"`
	Connected  bool      `json:"connected"`
	Reconciled time.Time `json:"reconciled,omitzero"`
}

// Degraded reports whether the model cannot trade as it should: halted,
// the venue unreadable, or the account stream down (fills would not be
// booked until it is back).
func (s Status) Degraded() bool { return s.Halted != "" || s.Error != "" || !s.Connected }

// NewAccount returns the live account of cfg.ModelID.
func NewAccount(cfg AccountConfig, t *Trader, l Ledger) *Account {
	if cfg.SlippageBps == 0 {
		cfg.SlippageBps = arena.FixedInt(50)
	}
	if cfg.FillWait == 0 {
		cfg.FillWait = 10 * time.Second
	}
	if cfg.Grace == 0 {
		cfg.Grace = 2 * time.Second
	}
	if cfg.Reconcile == 0 {
		cfg.Reconcile = time.Minute
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	return &Account{cfg: cfg, trader: t, ledger: l, orders: map[string]*tracked{}, byClient: map[int64]*tracked{}, funded: map[string]bool{},
		changed: make(chan struct{}), status: Status{Model: cfg.Label, Account: t.Account(), DryRun: t.DryRun()}}
}

// ModelID is the ledger account this live account trades.
func (a *Account) ModelID() string { return a.cfg.ModelID }

// Summary says what trades here and with which limits.
func (a *Account) Summary() string {
	return a.cfg.Label + " (" + a.cfg.ModelID + "): " + a.trader.Summary()
}

// Start reads the venue's markets (the arena's symbols only) and the newest
// trade: only trades after it are booked, so history is never booked twice
// after a restart (what happened while the worker was down shows up as a
// reconciliation difference instead).
func (a *Account) Start(ctx context.Context, symbols []arena.Symbol) error {
	if err := a.trader.LoadMarkets(ctx, symbols...); err != nil {
		return fmt.Errorf("live %s: %w", a.cfg.Label, err)
	}
	ts, err := a.trader.Trades(ctx, 1)
	if err != nil {
		return fmt.Errorf("live %s: %w", a.cfg.Label, err)
	}
	if len(ts) > 0 {
		a.lastTrade = ts[0].TradeID
	}
	if err := a.startingCapital(ctx); err != nil {
		return fmt.Errorf("live %s: %w", a.cfg.Label, err)
	}
	refs, err := a.ledger.VenueRefs(ctx, a.cfg.ModelID)
	if err != nil {
		return fmt.Errorf("live %s: %w", a.cfg.Label, err)
	}
	a.funding.Lock()
	a.funded = refs
	a.funding.Unlock()
	if err := a.syncFunding(ctx); err != nil {
		return fmt.Errorf("live %s: %w", a.cfg.Label, err)
	}
	return a.adoptExits(ctx)
}

// startingCapital starts the ledger of a seat that never traded from the
// venue's equity instead of SIM_INITIAL_CAPITAL, so that its returns are
// the account's. A seat with history keeps its ledger.
func (a *Account) startingCapital(ctx context.Context) error {
	snap, err := a.ledger.Snapshot(a.cfg.ModelID)
	if err != nil {
		return err
	}
	if len(snap.Positions) > 0 || snap.RealizedPnL != 0 || snap.Fees != 0 || snap.Funding != 0 || snap.Insurance != 0 {
		return nil
	}
	eq, err := a.trader.Equity(ctx)
	if err != nil || eq <= 0 || eq == snap.Capital {
		return err
	}
	a.cfg.Log.Warn("lighter: the seat never traded; its ledger starts from the venue's equity", "model", a.cfg.Label,
		"from", snap.Capital.String(), "to", eq.String())
	return a.ledger.ResetAccountTo(ctx, a.cfg.ModelID, eq)
}

// adoptExits takes the account's resting reduce-only stop-loss and
// take-profit orders as this model's exit orders (left by an earlier run;
// the account is the model's alone). Any other open order is left to
// reconciliation, which reports it.
func (a *Account) adoptExits(ctx context.Context) error {
	open, err := a.trader.OpenOrders(ctx)
	if err != nil {
		return fmt.Errorf("live %s: %w", a.cfg.Label, err)
	}
	for sym, orders := range open {
		for _, o := range orders {
			trig := exitTrigger(o)
			if trig == arena.TriggerNone {
				continue
			}
			side := arena.Long
			if o.IsAsk {
				side = arena.Short
			}
			a.track(&tracked{id: exitID(sym, trig, o.ClientOrderIndex), client: o.ClientOrderIndex, symbol: sym, side: side,
				trigger: trig, resting: true})
			a.cfg.Log.Info("lighter: adopted a resting exit order", "model", a.cfg.Label, "symbol", sym, "trigger", trig,
				"client_order_index", o.ClientOrderIndex)
		}
	}
	return nil
}

// exitTrigger is the close trigger of a reduce-only stop or take-profit
// order, or none.
func exitTrigger(o venue.Order) arena.CloseTrigger {
	if !o.ReduceOnly {
		return arena.TriggerNone
	}
	switch o.Type {
	case strconv.Itoa(signer.OrderStopLoss), strconv.Itoa(signer.OrderStopLossLimit), "stop-loss", "stop-loss-limit":
		return arena.TriggerStop
	case strconv.Itoa(signer.OrderTakeProfit), strconv.Itoa(signer.OrderTakeProfitLimit), "take-profit", "take-profit-limit":
		return arena.TriggerTarget
	}
	return arena.TriggerNone
}

// exitID is the ledger order id of an exit order: unique per account,
// and the same when a later run adopts the order.
func exitID(sym arena.Symbol, trig arena.CloseTrigger, client int64) string {
	return fmt.Sprintf("%s-%s-%d", sym, trig, client)
}

// Run follows the account stream and reconciles every interval until ctx
// ends.
func (a *Account) Run(ctx context.Context) error {
	s := &stream{url: a.cfg.StreamURL, account: a.trader.Account(), token: a.trader.AuthToken, trade: a.onTrade,
		connected: a.resync, down: func() { a.setConnected(false) }, log: a.cfg.Log}
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return s.Run(gctx) })
	g.Go(func() error {
		tick := time.NewTicker(a.cfg.Reconcile)
		defer tick.Stop()
		for {
			select {
			case <-gctx.Done():
				return nil
			case <-tick.C:
				a.reconcile(gctx)
			}
		}
	})
	return g.Wait()
}

// resync runs after every (re)connection: the trades missed while
// disconnected (REST), then a reconciliation.
func (a *Account) resync(ctx context.Context) error {
	if err := a.catchUp(ctx); err != nil {
		return err
	}
	if err := a.syncFunding(ctx); err != nil {
		return err
	}
	a.reconcile(ctx)
	a.setConnected(true)
	return nil
}

// catchUp books the account's trades the stream has not delivered (the
// latest 100 from REST; older ones would show up as a difference).
func (a *Account) catchUp(ctx context.Context) error {
	ts, err := a.trader.Trades(ctx, 100)
	if err != nil {
		return err
	}
	for i := len(ts) - 1; i >= 0; i-- { // oldest first
		if err := a.onTrade(ctx, ts[i]); err != nil {
			return err
		}
	}
	return nil
}

func (a *Account) setConnected(c bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.status.Connected = c
}

// Status returns the model's live status.
func (a *Account) Status() Status {
	a.mu.Lock()
	s := a.status
	a.mu.Unlock()
	s.Killed, s.Halted = a.trader.Killed(), a.trader.Halted()
	return s
}

// Kill turns the kill switch on: open orders cancelled, no new ones.
func (a *Account) Kill(ctx context.Context, reason string) error {
	err := a.trader.Kill(ctx, reason)
	if err == nil {
		a.noneResting()
	}
	return err
}

// noneResting forgets every resting order after a cancel-all.
func (a *Account) noneResting() {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, tr := range a.orders {
		tr.resting = false
	}
}

// book is what we believe the venue holds: the ledger's positions and our
// resting exit orders.
func (a *Account) book() (Book, error) {
	snap, err := a.ledger.Snapshot(a.cfg.ModelID)
	if err != nil {
		return Book{}, err
	}
	b := Book{Positions: map[arena.Symbol]arena.Fixed{}, Orders: map[arena.Symbol][]int64{}, Cash: &snap.Cash}
	for _, p := range snap.Positions {
		b.Positions[p.Symbol] = p.Quantity.MulInt(int64(p.Side.Sign()))
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, tr := range a.orders {
		if tr.resting {
			b.Orders[tr.symbol] = append(b.Orders[tr.symbol], tr.client)
		}
	}
	return b, nil
}

// ReconcileNow reconciles at once and returns the resulting status.
func (a *Account) ReconcileNow(ctx context.Context) Status {
	a.reconcile(ctx)
	return a.Status()
}

// reconcile compares the venue with the ledger; a difference that lasts
// Grace halts the model and names every difference.
func (a *Account) reconcile(ctx context.Context) {
	if err := a.trader.CheckDailyLoss(ctx); err != nil && !errors.Is(err, ErrKilled) {
		a.cfg.Log.Warn("lighter: daily loss brake could not read the venue's equity", "model", a.cfg.Label, "err", err)
	}
	if a.trader.Killed() {
		a.noneResting() // the kill switch cancelled every open order (what it missed shows up as a difference)
	}
	err := a.syncFunding(ctx)
	if err == nil {
		err = a.compare(ctx, false)
	}
	if errors.Is(err, errDiffers) {
		select {
		case <-ctx.Done():
			return
		case <-time.After(a.cfg.Grace):
		}
		if err = a.catchUp(ctx); err == nil {
			if err = a.syncFunding(ctx); err == nil {
				err = a.compare(ctx, true)
			}
		}
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.status.Error = ""
	if err != nil && !errors.Is(err, ErrHalted) {
		a.status.Error = err.Error()
	}
	a.status.Reconciled = time.Now()
}

var errDiffers = errors.New("venue and ledger differ")

func (a *Account) compare(ctx context.Context, halt bool) error {
	ours, err := a.book()
	if err != nil {
		return fmt.Errorf("read the ledger: %w", err)
	}
	if halt {
		_, err = a.trader.Reconcile(ctx, ours)
		return err
	}
	diffs, err := a.trader.Compare(ctx, ours)
	if err == nil && len(diffs) > 0 {
		return errDiffers
	}
	return err
}

// onTrade books one of the account's trades into the ledger (once: trade
// ids only grow). A fill of an order we did not place is booked too (the
// ledger must hold what the venue holds) and halts the model.
func (a *Account) onTrade(ctx context.Context, t venue.Trade) error {
	a.mu.Lock()
	if t.TradeID <= a.lastTrade {
		a.mu.Unlock()
		return nil
	}
	a.lastTrade = t.TradeID
	a.mu.Unlock()
	acct := a.trader.Account()
	side, client, maker := arena.Long, t.BidClientID, !t.IsMakerAsk
	switch {
	case t.BidAccountID == acct:
	case t.AskAccountID == acct:
		side, client, maker = arena.Short, t.AskClientID, t.IsMakerAsk
	default:
		return nil
	}
	f, err := a.venueFill(t, side, maker)
	if err != nil {
		a.trader.Halt(fmt.Sprintf("venue trade %d cannot be booked: %v", t.TradeID, err))
		return nil
	}
	a.mu.Lock()
	tr := a.byClient[client]
	a.mu.Unlock()
	f.OrderID = "venue-" + strconv.FormatInt(client, 10)
	if tr != nil {
		f.OrderID, f.Trigger, f.Leverage = tr.id, tr.trigger, tr.leverage
	} else {
		a.trader.Halt(fmt.Sprintf("a fill of %s %s at %s belongs to no order of ours (client order index %d): "+
			"someone else trades this account", f.Quantity, f.Symbol, f.Price, client))
	}
	o, err := a.ledger.BookVenueFill(ctx, f)
	if err != nil {
		a.trader.Halt(fmt.Sprintf("venue trade %d could not be booked in the ledger: %v", t.TradeID, err))
		return nil
	}
	a.filled(tr, f.Quantity, o)
	if tr != nil && tr.trigger != arena.TriggerNone {
		a.afterExit(ctx, tr.symbol)
	}
	return nil
}

// venueFill converts a venue trade of ours (without the order id).
func (a *Account) venueFill(t venue.Trade, side arena.Side, maker bool) (exchange.VenueFill, error) {
	m, ok := a.trader.MarketByID(t.MarketID)
	if !ok {
		return exchange.VenueFill{}, fmt.Errorf("market %d is not traded here", t.MarketID)
	}
	price, err1 := arena.ParseFixed(t.Price)
	size, err2 := arena.ParseFixed(t.Size)
	usd, err3 := arena.ParseFixed(t.USDAmount)
	if err := errors.Join(err1, err2, err3); err != nil {
		return exchange.VenueFill{}, err
	}
	rate, liq := t.TakerFee, arena.Taker
	if maker {
		rate, liq = t.MakerFee, arena.Maker
	}
	fee := usd.MulInt(int64(rate)).Div(arena.FixedInt(1_000_000))
	return exchange.VenueFill{AccountID: a.cfg.ModelID, Symbol: arena.Symbol(m.Symbol), Side: side, Price: price,
		Quantity: size, Fee: fee, Liquidity: liq}, nil
}

// filled records a booked fill on its order and wakes the waiters.
func (a *Account) filled(tr *tracked, qty arena.Fixed, o arena.Order) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if tr != nil {
		tr.filled += qty
		tr.order = o
		if tr.resting && tr.size > 0 && tr.filled >= tr.size {
			tr.resting = false
		}
	}
	close(a.changed)
	a.changed = make(chan struct{})
}

// fundingRef is the ledger's id of a venue funding payment.
func fundingRef(id int64) string { return "lighter:" + strconv.FormatInt(id, 10) }

// syncFunding books the venue's funding payments the ledger does not hold
// yet (the latest 100, oldest first), each once by its funding id, on the
// position of its market. Older ones missed would show up as a collateral
// difference.
func (a *Account) syncFunding(ctx context.Context) error {
	a.funding.Lock()
	defer a.funding.Unlock()
	fs, err := a.trader.Fundings(ctx, 100)
	if err != nil {
		return fmt.Errorf("funding: %w", err)
	}
	for i := len(fs) - 1; i >= 0; i-- {
		f := fs[i]
		ref := fundingRef(f.FundingID)
		if a.funded[ref] {
			continue
		}
		m, ok := a.trader.MarketByID(f.MarketID)
		if !ok {
			a.trader.Halt(fmt.Sprintf("venue funding %d is in market %d, which is not traded here", f.FundingID, f.MarketID))
			continue
		}
		amount, err1 := arena.ParseFixed(f.Change)
		rate, err2 := arena.ParseFixed(f.Rate)
		if err := errors.Join(err1, err2); err != nil {
			a.trader.Halt(fmt.Sprintf("venue funding %d cannot be booked: %v", f.FundingID, err))
			continue
		}
		if _, err := a.ledger.BookVenueFunding(ctx, exchange.VenueFunding{AccountID: a.cfg.ModelID, Symbol: arena.Symbol(m.Symbol),
			Ref: ref, Amount: amount, Rate: rate}); err != nil {
			return fmt.Errorf("book venue funding %d: %w", f.FundingID, err)
		}
		a.funded[ref] = true
		a.cfg.Log.Info("lighter: venue funding booked", "model", a.cfg.Label, "symbol", m.Symbol, "amount", amount.String(),
			"funding_id", f.FundingID)
	}
	return nil
}
