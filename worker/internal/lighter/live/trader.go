package live

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/lighter/signer"
	"github.com/autonome-go/autonome/worker/internal/lighter/venue"
)

// Venue is what the trader needs of the venue (venue.Client serves it).
type Venue interface {
	NextNonce(ctx context.Context, account int64, apiKey uint8) (int64, error)
	SendTx(ctx context.Context, txType int, txInfo string) (venue.RespSendTx, error)
	Account(ctx context.Context, index int64) (venue.DetailedAccount, error)
	Markets(ctx context.Context) ([]venue.PerpsOrderBookDetail, error)
	ActiveOrders(ctx context.Context, account int64, market int16, auth string) ([]venue.Order, error)
	Trades(ctx context.Context, account int64, limit int, auth string) ([]venue.Trade, error)
	PositionFundings(ctx context.Context, account int64, limit int, auth string) ([]venue.PositionFunding, error)
}

// Limits are the per-model brakes. Zero values are refused by New: live
// trading always runs with explicit limits.
type Limits struct {
	MaxNotional  arena.Fixed // quote units, per order
	MaxLeverage  int         // whole multiples
	MaxDailyLoss arena.Fixed // quote units, from the UTC day's first equity reading
}

// Config identifies the account and its key.
type Config struct {
	Account int64
	APIKey  uint8
	Chain   uint32
	Key     *signer.PrivateKey
	Limits  Limits
	DryRun  bool
	Log     *slog.Logger
	Now     func() time.Time
	// OrderTTL is how long the venue may accept a signed transaction.
	OrderTTL time.Duration
	// OnMismatch, when set, is told of every reconciliation that found the
	// venue and the ledger disagreeing (the worker counts them in
	// autonome_live_reconciliation_mismatches_total and alerts on it).
	OnMismatch func(account int64, diffs []Diff)
	// CollateralTolerance is how far the venue's collateral may be from the
	// ledger's cash before reconciliation calls it a difference (default
	// 0.01 USDC: the venue rounds fees and PnL to its own precision).
	CollateralTolerance arena.Fixed
}

// Errors the trader returns before anything is signed.
var (
	ErrKilled  = errors.New("live: kill switch is on; no new orders")
	ErrHalted  = errors.New("live: trading halted by reconciliation")
	ErrBrake   = errors.New("live: order refused by a brake")
	ErrUnknown = errors.New("live: unknown market")
	ErrInvalid = errors.New("live: order does not fit the market")
)

// Trader trades one account. Safe for concurrent use.
type Trader struct {
	cfg   Config
	venue Venue

	mu        sync.Mutex
	nonce     int64 // next nonce; -1 when it must be fetched
	markets   map[arena.Symbol]venue.PerpsOrderBookDetail
	leverage  map[int16]int
	clientIdx int64
	killed    bool
	halted    string
	day       string
	dayStart  arena.Fixed
}

// New returns a trader; it refuses missing limits or keys.
func New(cfg Config, v Venue) (*Trader, error) {
	if cfg.Key == nil {
		return nil, errors.New("live: no API key")
	}
	l := cfg.Limits
	if l.MaxNotional <= 0 || l.MaxLeverage <= 0 || l.MaxDailyLoss <= 0 {
		return nil, errors.New("live: max notional, max leverage and max daily loss must all be set")
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.OrderTTL == 0 {
		cfg.OrderTTL = 10 * time.Minute
	}
	if cfg.CollateralTolerance == 0 {
		cfg.CollateralTolerance = arena.MustFixed("0.01")
	}
	return &Trader{cfg: cfg, venue: v, nonce: -1, leverage: map[int16]int{},
		clientIdx: cfg.Now().UnixMilli() % (1 << 47)}, nil
}

// Summary says what will trade and with which limits (printed at start).
func (t *Trader) Summary() string {
	l := t.cfg.Limits
	mode := "LIVE"
	if t.cfg.DryRun {
		mode = "DRY RUN (signed, logged, never sent)"
	}
	return fmt.Sprintf("lighter %s: account %d api key %d chain %d; max notional %s per order, max leverage %dx, max daily loss %s",
		mode, t.cfg.Account, t.cfg.APIKey, t.cfg.Chain, l.MaxNotional, l.MaxLeverage, l.MaxDailyLoss)
}

// LoadMarkets reads the venue's markets (ticks, lots, minimums): every one,
// or only those named (the arena's), which are also the markets whose open
// orders reconciliation reads.
func (t *Trader) LoadMarkets(ctx context.Context, only ...arena.Symbol) error {
	ms, err := t.venue.Markets(ctx)
	if err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.markets = map[arena.Symbol]venue.PerpsOrderBookDetail{}
	for _, m := range ms {
		if len(only) == 0 || slices.Contains(only, arena.Symbol(m.Symbol)) {
			t.markets[arena.Symbol(m.Symbol)] = m
		}
	}
	return nil
}

// Order is what the trader places. Price is the limit price, or for a
// market order the worst price accepted (its bound); Trigger is the trigger
// of a stop-loss or take-profit order.
type Order struct {
	Symbol     arena.Symbol
	Sell       bool
	Type       uint8 // signer.OrderLimit, OrderMarket, OrderStopLoss, OrderTakeProfit, ...
	Size       arena.Fixed
	Price      arena.Fixed
	Trigger    arena.Fixed
	ReduceOnly bool
	Leverage   int
	// ClientIndex is the client order index to use (from NewClientIndex, so
	// that fills can be attributed before Place returns); 0: a fresh one.
	ClientIndex int64
}

// Placed is the venue's acknowledgement of an order.
type Placed struct {
	ClientOrderIndex int64
	TxHash           string
	TxInfo           string
	DryRun           bool
	Size             arena.Fixed // the size sent, floored to the market's lots
}

// Place checks the brakes, sets leverage on the venue if this market has not
// got it yet, rounds to ticks and lots, and sends the signed order.
func (t *Trader) Place(ctx context.Context, o Order) (Placed, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.allowed(ctx, o); err != nil {
		return Placed{}, err
	}
	m, ok := t.markets[o.Symbol]
	if !ok {
		return Placed{}, fmt.Errorf("%w %q", ErrUnknown, o.Symbol)
	}
	lev := max(o.Leverage, 1)
	if !o.ReduceOnly && t.leverage[m.MarketID] != lev {
		if _, err := t.send(ctx, signer.TxTypeUpdateLeverage, func(h signer.Header) signer.Tx {
			return signer.UpdateLeverage{Header: h, MarketIndex: uint16(m.MarketID), InitialMarginFraction: uint16(10000 / lev)}
		}); err != nil {
			return Placed{}, fmt.Errorf("set leverage %dx on %s: %w", lev, o.Symbol, err)
		}
		t.leverage[m.MarketID] = lev
	}
	tx, err := t.orderTx(m, o)
	if err != nil {
		return Placed{}, err
	}
	p, err := t.send(ctx, signer.TxTypeCreateOrder, func(h signer.Header) signer.Tx { tx.Header = h; return tx })
	p.Size = fromUnits(tx.BaseAmount, m.SizeDecimals)
	return p, err
}

// orderTx rounds the order to the market's grid: sizes down to whole lots,
// prices to ticks away from the aggressive side (bids down, asks up) so a
// rounded limit never trades worse than asked.
func (t *Trader) orderTx(m venue.PerpsOrderBookDetail, o Order) (signer.CreateOrder, error) {
	lots := units(o.Size, m.SizeDecimals, false)
	if lots <= 0 {
		return signer.CreateOrder{}, fmt.Errorf("%w: size %s of %s is below one lot (10^-%d)", ErrInvalid, o.Size, o.Symbol, m.SizeDecimals)
	}
	if min, err := arena.ParseFixed(m.MinBaseAmount); err == nil && o.Size < min {
		return signer.CreateOrder{}, fmt.Errorf("%w: size %s of %s is below the venue's minimum %s", ErrInvalid, o.Size, o.Symbol, m.MinBaseAmount)
	}
	price := ticks(o.Price, m.PriceDecimals, o.Sell)
	if price <= 0 || price > math.MaxUint32 {
		return signer.CreateOrder{}, fmt.Errorf("%w: price %s of %s does not fit the venue's ticks", ErrInvalid, o.Price, o.Symbol)
	}
	ci := o.ClientIndex
	if ci == 0 {
		ci = t.nextClientIndex()
	}
	tx := signer.CreateOrder{MarketIndex: uint16(m.MarketID), ClientOrderIndex: ci, BaseAmount: lots,
		Price: uint32(price), IsAsk: o.Sell, Type: o.Type, ReduceOnly: o.ReduceOnly}
	switch o.Type {
	case signer.OrderMarket, signer.OrderStopLoss, signer.OrderTakeProfit:
		tx.TimeInForce = signer.ImmediateOrCancel
	default:
		tx.TimeInForce = signer.GoodTillTime
		tx.OrderExpiry = t.cfg.Now().Add(28 * 24 * time.Hour).UnixMilli()
	}
	if o.Type != signer.OrderMarket && o.Type != signer.OrderLimit {
		tx.TriggerPrice = uint32(ticks(o.Trigger, m.PriceDecimals, o.Sell))
		tx.OrderExpiry = t.cfg.Now().Add(28 * 24 * time.Hour).UnixMilli()
	}
	return tx, nil
}

// ticks converts a price to the market's integer ticks, rounding bids down
// and asks up.
func ticks(p arena.Fixed, decimals uint8, sell bool) int64 { return units(p, decimals, sell) }

// units converts a non-negative fixed-point value (8 decimals) to integer
// units of 10^-decimals, rounding down, or up when up is set. Exact integer
// arithmetic: money never passes through float64.
func units(v arena.Fixed, decimals uint8, up bool) int64 {
	if decimals >= arena.FixedDecimals {
		n := int64(v)
		for range int(decimals) - arena.FixedDecimals {
			n *= 10
		}
		return n
	}
	step := int64(1)
	for range arena.FixedDecimals - int(decimals) {
		step *= 10
	}
	n := int64(v) / step
	if up && int64(v)%step != 0 {
		n++
	}
	return n
}

// allowed applies the brakes (called with t.mu held).
func (t *Trader) allowed(ctx context.Context, o Order) error {
	if t.halted != "" {
		return fmt.Errorf("%w: %s", ErrHalted, t.halted)
	}
	if t.killed {
		return ErrKilled
	}
	if o.ReduceOnly {
		return nil // closing is always allowed while not killed
	}
	if lev := max(o.Leverage, 1); lev > t.cfg.Limits.MaxLeverage {
		return fmt.Errorf("%w: leverage %dx above max %dx", ErrBrake, lev, t.cfg.Limits.MaxLeverage)
	}
	if n := o.Size.Mul(o.Price); n > t.cfg.Limits.MaxNotional {
		return fmt.Errorf("%w: notional %s above max %s", ErrBrake, n, t.cfg.Limits.MaxNotional)
	}
	return t.dailyLoss(ctx)
}

// dailyLoss trips the kill switch when equity has fallen by the day's limit.
func (t *Trader) dailyLoss(ctx context.Context) error {
	eq, err := t.Equity(ctx)
	if err != nil {
		return fmt.Errorf("read equity for the daily loss brake: %w", err)
	}
	day := t.cfg.Now().UTC().Format(time.DateOnly)
	if day != t.day {
		t.day, t.dayStart = day, eq
	}
	if loss := t.dayStart - eq; loss >= t.cfg.Limits.MaxDailyLoss && !t.killed {
		t.killed = true
		t.cfg.Log.Error("lighter: daily loss limit reached; kill switch on, cancelling open orders", "account", t.cfg.Account,
			"loss", loss.String())
		if _, err := t.send(ctx, signer.TxTypeCancelAll, func(h signer.Header) signer.Tx {
			return signer.CancelAll{Header: h, TimeInForce: signer.ImmediateOrCancel}
		}); err != nil {
			t.cfg.Log.Error("lighter: cancelling open orders after the daily loss limit failed", "account", t.cfg.Account, "err", err)
		}
		return fmt.Errorf("%w: daily loss %s reached max %s", ErrKilled, loss, t.cfg.Limits.MaxDailyLoss)
	}
	return nil
}

// Equity is the venue account's total asset value.
func (t *Trader) Equity(ctx context.Context) (arena.Fixed, error) {
	acc, err := t.venue.Account(ctx, t.cfg.Account)
	if err != nil {
		return 0, err
	}
	eq, err := arena.ParseFixed(acc.TotalAssetValue)
	if err != nil {
		return 0, fmt.Errorf("venue equity %q: %w", acc.TotalAssetValue, err)
	}
	return eq, nil
}

// CheckDailyLoss reads the venue's equity and, once the day's loss reaches
// the limit, turns the kill switch on and cancels every open order (Run
// checks it with every reconciliation, not only when an order is placed).
func (t *Trader) CheckDailyLoss(ctx context.Context) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.killed {
		return nil
	}
	return t.dailyLoss(ctx)
}

// Cancel cancels one order by its index (or client order index).
func (t *Trader) Cancel(ctx context.Context, sym arena.Symbol, index int64) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	m, ok := t.markets[sym]
	if !ok {
		return fmt.Errorf("%w %q", ErrUnknown, sym)
	}
	_, err := t.send(ctx, signer.TxTypeCancelOrder, func(h signer.Header) signer.Tx {
		return signer.CancelOrder{Header: h, MarketIndex: uint16(m.MarketID), Index: index}
	})
	return err
}

// Kill turns the kill switch on (no new orders, closes still refused) and
// cancels every open order on the venue.
func (t *Trader) Kill(ctx context.Context, reason string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.killed = true
	t.cfg.Log.Warn("lighter: kill switch on", "account", t.cfg.Account, "reason", reason)
	_, err := t.send(ctx, signer.TxTypeCancelAll, func(h signer.Header) signer.Tx {
		return signer.CancelAll{Header: h, TimeInForce: signer.ImmediateOrCancel}
	})
	return err
}

// Killed reports whether the kill switch is on.
func (t *Trader) Killed() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.killed
}

// send signs a transaction with the next nonce and sends it (or, dry, logs
// it). A nonce refusal resynchronises from the venue and retries once.
func (t *Trader) send(ctx context.Context, txType int, build func(signer.Header) signer.Tx) (Placed, error) {
	for attempt := 0; ; attempt++ {
		if t.nonce < 0 {
			n, err := t.venue.NextNonce(ctx, t.cfg.Account, t.cfg.APIKey)
			if err != nil {
				return Placed{}, err
			}
			t.nonce = n
		}
		tx := build(signer.Header{AccountIndex: t.cfg.Account, ApiKeyIndex: t.cfg.APIKey, Nonce: t.nonce,
			ExpiredAt: t.cfg.Now().Add(t.cfg.OrderTTL).UnixMilli()})
		info, _, err := t.cfg.Key.SignTx(t.cfg.Chain, tx)
		if err != nil {
			return Placed{}, err
		}
		p := Placed{TxInfo: info, DryRun: t.cfg.DryRun}
		if co, ok := tx.(signer.CreateOrder); ok {
			p.ClientOrderIndex = co.ClientOrderIndex
		}
		if t.cfg.DryRun {
			t.nonce++
			t.cfg.Log.Info("lighter dry run: signed, not sent", "tx_type", txType, "tx_info", info)
			return p, nil
		}
		resp, err := t.venue.SendTx(ctx, txType, info)
		switch {
		case err == nil:
			t.nonce++
			p.TxHash = resp.TxHash
			return p, nil
		case venue.IsNonceError(err) && attempt == 0:
			t.cfg.Log.Warn("lighter: nonce refused; resynchronising", "account", t.cfg.Account, "nonce", t.nonce)
			t.nonce = -1
		default:
			if venue.IsNonceError(err) {
				t.nonce = -1
			}
			return Placed{}, err
		}
	}
}

// Halted returns why trading is halted ("" when it is not).
func (t *Trader) Halted() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.halted
}

// fromUnits is n units of 10^-decimals as a fixed-point value.
func fromUnits(n int64, decimals uint8) arena.Fixed {
	for range int(decimals) - arena.FixedDecimals {
		n /= 10
	}
	for range arena.FixedDecimals - int(decimals) {
		n *= 10
	}
	return arena.Fixed(n)
}

// nextClientIndex returns a client order index never used by this trader
// (called with t.mu held).
func (t *Trader) nextClientIndex() int64 {
	t.clientIdx = (t.clientIdx + 1) % (1 << 47)
	return t.clientIdx
}

// NewClientIndex reserves a unique client order index for Order.ClientIndex.
func (t *Trader) NewClientIndex() int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.nextClientIndex()
}

// Halt stops trading as a reconciliation mismatch does, for reason.
func (t *Trader) Halt(reason string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.halted == "" {
		t.halted = reason
	}
	t.cfg.Log.Error("lighter: trading halted", "account", t.cfg.Account, "reason", reason)
}

// MarketByID returns the venue market with the given id (LoadMarkets first).
func (t *Trader) MarketByID(id int16) (venue.PerpsOrderBookDetail, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, m := range t.markets {
		if m.MarketID == id {
			return m, true
		}
	}
	return venue.PerpsOrderBookDetail{}, false
}

// AuthToken returns an auth token for private reads, valid ten minutes.
func (t *Trader) AuthToken() (string, error) {
	return t.cfg.Key.AuthToken(t.cfg.Now().Add(10*time.Minute), t.cfg.Account, t.cfg.APIKey)
}

// Account is the venue account index this trader trades.
func (t *Trader) Account() int64 { return t.cfg.Account }

// DryRun reports whether transactions are only signed and logged.
func (t *Trader) DryRun() bool { return t.cfg.DryRun }

// Trades returns the account's latest trades, newest first.
func (t *Trader) Trades(ctx context.Context, limit int) ([]venue.Trade, error) {
	token, err := t.AuthToken()
	if err != nil {
		return nil, err
	}
	return t.venue.Trades(ctx, t.cfg.Account, limit, token)
}

// Fundings returns the account's latest funding payments, newest first
// (at most limit, ≤ 100), read with an auth token.
func (t *Trader) Fundings(ctx context.Context, limit int) ([]venue.PositionFunding, error) {
	token, err := t.AuthToken()
	if err != nil {
		return nil, err
	}
	return t.venue.PositionFundings(ctx, t.cfg.Account, limit, token)
}
