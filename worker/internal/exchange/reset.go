package exchange

import (
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

// ResetAccount wipes an account back to the starting capital: live orders
// are cancelled, positions discarded (recorded CLOSED with the RESET
// trigger; nothing trades) and the ledger restarts, recorded as an
// AccountReset. Client order ids already used stay used.
func (e *Exchange) ResetAccount(now time.Time, accountID string) error {
	return e.ResetAccountTo(now, accountID, e.cfg.StartingCapital)
}

// ResetAccountTo is ResetAccount to another starting capital (a live
// account's ledger starts from the venue's equity).
func (e *Exchange) ResetAccountTo(now time.Time, accountID string, capital arena.Fixed) error {
	if capital <= 0 || capital > ledgerLimit {
		return arena.Errorf(arena.CodeInvalid, "starting capital %s is out of range", capital)
	}
	e.mu.Lock()
	defer e.unlock() // publishes what advancing the clock did, on every return path
	if e.cfg.Journal != nil {
		e.journal(&Input{Kind: InputReset, Time: now, AccountID: accountID, Capital: capital})
	}
	e.tick(now)
	a, err := e.account(accountID)
	if err != nil {
		return err
	}
	e.cancelAll(a, "cancelled by account reset")
	for i := range a.slots {
		p := &a.slots[i].pos
		if p.Quantity == 0 {
			continue
		}
		p.Quantity, p.Margin, p.Leverage = 0, 0, 0
		e.closePosition(p, arena.TriggerReset)
		*p = arena.Position{}
		e.syncTriggers(a, i)
	}
	a.capital = capital
	a.cash, a.realized, a.fees, a.funding, a.insurance = a.capital, 0, 0, 0, 0
	a.halted = ""
	a.orderMargin = 0
	e.setUnderwater(a, false)
	e.emitReset(&arena.AccountReset{AccountID: a.id, Capital: a.capital})
	e.flush()
	return nil
}
