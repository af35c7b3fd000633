package live

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/lighter/venue"
)

// Book is what we believe the venue holds for the account: signed base size
// per symbol, and the client order indexes of open orders per symbol.
type Book struct {
	Positions map[arena.Symbol]arena.Fixed
	Orders    map[arena.Symbol][]int64
	// Cash, when set, is compared with the venue's collateral (deposits,
	// realized PnL, fees and funding; unrealized PnL is in neither).
	Cash *arena.Fixed
}

// Diff is one difference between the venue and our records.
type Diff struct {
	Symbol arena.Symbol
	What   string // "position" or "open orders"
	Venue  string
	Ours   string
}

func (d Diff) String() string {
	if d.Symbol == "" {
		return fmt.Sprintf("%s: venue %s, ours %s", d.What, d.Venue, d.Ours)
	}
	return fmt.Sprintf("%s %s: venue %s, ours %s", d.Symbol, d.What, d.Venue, d.Ours)
}

// Reconcile compares the venue's positions and open orders with ours. Any
// difference halts trading (Place refuses with ErrHalted until the trader is
// rebuilt) and the error lists every difference.
func (t *Trader) Reconcile(ctx context.Context, ours Book) ([]Diff, error) {
	diffs, err := t.Compare(ctx, ours)
	if err != nil || len(diffs) == 0 {
		return nil, err
	}
	parts := make([]string, len(diffs))
	for i, d := range diffs {
		parts[i] = d.String()
	}
	t.mu.Lock()
	t.halted = strings.Join(parts, "; ")
	onMismatch := t.cfg.OnMismatch
	t.mu.Unlock()
	t.cfg.Log.Error("lighter: reconciliation mismatch; trading halted", "account", t.cfg.Account, "diff", t.Halted())
	if onMismatch != nil {
		onMismatch(t.cfg.Account, diffs)
	}
	return diffs, fmt.Errorf("%w: %s", ErrHalted, t.Halted())
}

// Compare is Reconcile without the halt: the differences between the
// venue's positions and open orders and ours.
func (t *Trader) Compare(ctx context.Context, ours Book) ([]Diff, error) {
	acc, err := t.venue.Account(ctx, t.cfg.Account)
	if err != nil {
		return nil, fmt.Errorf("reconcile: %w", err)
	}
	theirs := map[arena.Symbol]arena.Fixed{}
	for _, p := range acc.Positions {
		size, err := arena.ParseFixed(p.Position)
		if err != nil {
			return nil, fmt.Errorf("reconcile: position %q of %s: %w", p.Position, p.Symbol, err)
		}
		if p.Sign < 0 {
			size = -size
		}
		if size != 0 {
			theirs[arena.Symbol(p.Symbol)] = size
		}
	}
	var diffs []Diff
	for _, sym := range symbols(theirs, ours.Positions) {
		if v, o := theirs[sym], ours.Positions[sym]; v != o {
			diffs = append(diffs, Diff{sym, "position", v.String(), o.String()})
		}
	}
	if ours.Cash != nil {
		coll, err := arena.ParseFixed(acc.Collateral)
		if err != nil {
			return nil, fmt.Errorf("reconcile: collateral %q: %w", acc.Collateral, err)
		}
		tol := t.cfg.CollateralTolerance
		if (coll - *ours.Cash).Abs() > tol {
			diffs = append(diffs, Diff{"", "collateral", coll.String(), ours.Cash.String() + " (cash; tolerance " + tol.String() + ")"})
		}
	}
	orderDiffs, err := t.reconcileOrders(ctx, ours.Orders)
	if err != nil {
		return nil, err
	}
	return append(diffs, orderDiffs...), nil
}

// reconcileOrders compares open orders market by market (client order
// indexes).
func (t *Trader) reconcileOrders(ctx context.Context, ours map[arena.Symbol][]int64) ([]Diff, error) {
	open, err := t.OpenOrders(ctx)
	if err != nil {
		return nil, fmt.Errorf("reconcile: %w", err)
	}
	var diffs []Diff
	for _, sym := range symbols(open, nil) {
		var theirs []int64
		for _, o := range open[sym] {
			theirs = append(theirs, o.ClientOrderIndex)
		}
		mine := slices.Clone(ours[sym])
		slices.Sort(theirs)
		slices.Sort(mine)
		if !slices.Equal(theirs, mine) {
			diffs = append(diffs, Diff{sym, "open orders", fmt.Sprint(theirs), fmt.Sprint(mine)})
		}
	}
	return diffs, nil
}

// OpenOrders reads the account's open orders in every loaded market, with
// an auth token.
func (t *Trader) OpenOrders(ctx context.Context) (map[arena.Symbol][]venue.Order, error) {
	token, err := t.AuthToken()
	if err != nil {
		return nil, err
	}
	t.mu.Lock()
	markets := make(map[arena.Symbol]int16, len(t.markets))
	for sym, m := range t.markets {
		markets[sym] = m.MarketID
	}
	t.mu.Unlock()
	out := make(map[arena.Symbol][]venue.Order, len(markets))
	for sym, id := range markets {
		orders, err := t.venue.ActiveOrders(ctx, t.cfg.Account, id, token)
		if err != nil {
			return nil, fmt.Errorf("open orders of %s: %w", sym, err)
		}
		out[sym] = orders
	}
	return out, nil
}

func symbols[V any](a, b map[arena.Symbol]V) []arena.Symbol {
	var out []arena.Symbol
	for s := range a {
		out = append(out, s)
	}
	for s := range b {
		if _, ok := a[s]; !ok {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out
}

// SetOnMismatch sets Config.OnMismatch after New (for wiring and tests).
func (t *Trader) SetOnMismatch(f func(account int64, diffs []Diff)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.cfg.OnMismatch = f
}
