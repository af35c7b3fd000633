package simulator

import (
	"context"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/postgres"
	"github.com/autonome-go/autonome/worker/internal/exchange"
)

// Markets lists the traded markets.
func (s *Simulator) Markets() []arena.Market { return s.ex.Markets() }

// Prices returns every market's mid.
func (s *Simulator) Prices() []arena.Price { return s.ex.Prices() }

// Snapshot values one account at the current marks.
func (s *Simulator) Snapshot(accountID string) (arena.AccountSnapshot, error) {
	return s.ex.Snapshot(accountID)
}

// Snapshots values every account.
func (s *Simulator) Snapshots() []arena.AccountSnapshot { return s.ex.Snapshots() }

// PlaceOrder submits req and waits until it is final or resting and its
// records are written. A request repeated with the same OrderID returns the
// first one's result instead of trading again.
func (s *Simulator) PlaceOrder(ctx context.Context, req arena.OrderRequest) (_ arena.Order, err error) {
	defer func() { s.stats.orderError(err) }()
	if err := s.available(); err != nil {
		return arena.Order{}, err
	}
	if prev, ok, err := s.recorded(ctx, req.AccountID, req.OrderID); err != nil || ok {
		if err != nil {
			return arena.Order{}, err
		}
		return exchange.Resend(prev, req)
	}
	if _, err := s.ex.SubmitOrder(s.now(), req); err != nil {
		return arena.Order{}, err
	}
	return s.settle(ctx, req.AccountID, req.OrderID)
}

// recorded finds an order id the exchange no longer remembers in the
// ledger, so that an id is never executed twice however old it is. What the
// exchange forgot may still wait in the outbox: the lookup waits for it.
func (s *Simulator) recorded(ctx context.Context, accountID, orderID string) (arena.Order, bool, error) {
	if known, complete := s.ex.Remembers(accountID, orderID); known || complete {
		return arena.Order{}, false, nil
	}
	if err := s.waitEmitted(ctx); err != nil {
		return arena.Order{}, false, err
	}
	o, ok, err := postgres.FindOrder(ctx, s.pool, accountID, orderID)
	if err != nil {
		return arena.Order{}, false, arena.WrapError(arena.CodeUnavailable, err, "the ledger database is unavailable; try again shortly")
	}
	return o, ok, nil
}

// Executed reports whether the order id has an outcome, in the exchange
// or in the ledger: a command for it that arrives late must be answered
// with that outcome, not refused as expired.
func (s *Simulator) Executed(ctx context.Context, accountID, orderID string) (bool, error) {
	if known, _ := s.ex.Remembers(accountID, orderID); known {
		return true, nil
	}
	_, ok, err := s.recorded(ctx, accountID, orderID)
	return ok, err
}

// ClosePosition closes the account's whole position in sym at market
// (reduce-only, no margin check) and waits as PlaceOrder does.
func (s *Simulator) ClosePosition(ctx context.Context, accountID, orderID string, sym arena.Symbol) (arena.Order, error) {
	if err := s.available(); err != nil {
		return arena.Order{}, err
	}
	if prev, ok, err := s.recorded(ctx, accountID, orderID); err != nil || ok {
		if err != nil {
			return arena.Order{}, err
		}
		return exchange.Resend(prev, arena.OrderRequest{AccountID: accountID, OrderID: orderID, Symbol: sym,
			Type: arena.OrderMarket, ReduceOnly: true, ClosePosition: true})
	}
	if _, err := s.ex.ClosePosition(s.now(), accountID, orderID, sym); err != nil {
		return arena.Order{}, err
	}
	return s.settle(ctx, accountID, orderID)
}

// settle waits for the order to reach the engine, then for its records.
func (s *Simulator) settle(ctx context.Context, accountID, orderID string) (arena.Order, error) {
	o, err := s.ex.Wait(ctx, accountID, orderID)
	if werr := s.waitPersisted(ctx, o.Seq); werr != nil && err == nil {
		return o, werr
	}
	return o, err
}

// UpdateExitPlan replaces the exit plan of the account's position in sym
// (stops may only tighten) and waits for the change to be written.
func (s *Simulator) UpdateExitPlan(ctx context.Context, accountID string, sym arena.Symbol, plan arena.ExitPlan) (arena.Position, error) {
	if err := s.available(); err != nil {
		return arena.Position{}, err
	}
	p, err := s.ex.UpdateExitPlan(s.now(), accountID, sym, plan)
	if err != nil {
		return p, err
	}
	return p, s.waitPersisted(ctx, p.Seq)
}

// ResetAccount wipes the account back to the starting capital and waits
// for the reset to be written.
func (s *Simulator) ResetAccount(ctx context.Context, accountID string) error {
	if err := s.available(); err != nil {
		return err
	}
	if err := s.ex.ResetAccount(s.now(), accountID); err != nil {
		return err
	}
	return s.waitEmitted(ctx)
}

// ResetAccountTo is ResetAccount to another starting capital.
func (s *Simulator) ResetAccountTo(ctx context.Context, accountID string, capital arena.Fixed) error {
	if err := s.available(); err != nil {
		return err
	}
	if err := s.ex.ResetAccountTo(s.now(), accountID, capital); err != nil {
		return err
	}
	return s.waitEmitted(ctx)
}

// OpenAccounts opens accounts for ids the exchange does not know yet (models
// seeded while the worker runs).
func (s *Simulator) OpenAccounts(ids []string) {
	known := map[string]bool{}
	for _, id := range s.ex.Accounts() {
		known[id] = true
	}
	for _, id := range ids {
		if !known[id] {
			if err := s.ex.OpenAccount(id); err == nil {
				s.log.Info("account opened", "account", id)
			}
		}
	}
}

// BookVenueFill books a fill a real venue reported for a live account (see
// exchange.VenueFill) and waits for its records to be written.
func (s *Simulator) BookVenueFill(ctx context.Context, f exchange.VenueFill) (arena.Order, error) {
	if err := s.available(); err != nil {
		return arena.Order{}, err
	}
	o, err := s.ex.BookVenueFill(s.now(), f)
	if err != nil {
		return o, err
	}
	return o, s.waitPersisted(ctx, o.Seq)
}

// BookVenueFunding books a funding payment a real venue made on a live
// account (see exchange.VenueFunding) and waits for it to be written.
func (s *Simulator) BookVenueFunding(ctx context.Context, f exchange.VenueFunding) (arena.FundingPayment, error) {
	if err := s.available(); err != nil {
		return arena.FundingPayment{}, err
	}
	p, err := s.ex.BookVenueFunding(s.now(), f)
	if err != nil {
		return p, err
	}
	return p, s.waitPersisted(ctx, p.Seq)
}

// VenueRefs lists the venue payments booked on the account, written or
// still on their way to the ledger.
func (s *Simulator) VenueRefs(ctx context.Context, accountID string) (map[string]bool, error) {
	if err := s.waitEmitted(ctx); err != nil {
		return nil, err
	}
	refs, err := postgres.VenueRefs(ctx, s.pool, accountID)
	if err != nil {
		return nil, arena.WrapError(arena.CodeUnavailable, err, "the ledger database is unavailable; try again shortly")
	}
	return refs, nil
}
