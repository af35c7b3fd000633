package exchange

import (
	"slices"
	"time"
)

// Time exits: every deadline of every exit plan in one list ordered by
// time, earliest last, popped by the clock (see clock.go).

// timeExit is a deadline in the global list.
type timeExit struct {
	at   time.Time
	acct int32
	mi   int32
}

func cmpTimeExit(x, t timeExit) int {
	switch {
	case !x.at.Equal(t.at):
		if x.at.After(t.at) {
			return -1
		}
		return 1
	case x.acct != t.acct:
		return -cmpU64(uint64(x.acct), uint64(t.acct))
	}
	return -cmpU64(uint64(x.mi), uint64(t.mi))
}

// setTimeExit registers a's deadline in market mi. A deadline already due
// is not put back on the clock: it waits for the market's next book update,
// so a close that could not complete is retried once per update, not in a
// loop.
func (e *Exchange) setTimeExit(a *account, mi int, at time.Time) {
	s, m := &a.slots[mi], e.markets[mi]
	if s.timeExit.Equal(at) {
		return
	}
	if s.timeDue {
		s.timeDue = false
		m.timeDue--
	} else if !s.timeExit.IsZero() {
		old := timeExit{at: s.timeExit, acct: int32(a.idx), mi: int32(mi)}
		if i, ok := slices.BinarySearchFunc(e.timeExits, old, cmpTimeExit); ok {
			e.timeExits = slices.Delete(e.timeExits, i, i+1)
		}
	}
	s.timeExit = at
	switch {
	case at.IsZero():
	case at.After(e.now):
		te := timeExit{at: at, acct: int32(a.idx), mi: int32(mi)}
		i, _ := slices.BinarySearchFunc(e.timeExits, te, cmpTimeExit)
		e.timeExits = slices.Insert(e.timeExits, i, te)
	default:
		s.timeDue = true
		m.timeDue++
	}
}

// popTimeExit handles the earliest deadline, now due.
func (e *Exchange) popTimeExit() {
	n := len(e.timeExits)
	te := e.timeExits[n-1]
	e.timeExits = e.timeExits[:n-1]
	a, m := e.accounts[te.acct], e.markets[te.mi]
	a.slots[te.mi].timeExit = time.Time{}
	if !e.fresh(m) {
		e.setTimeExit(a, int(te.mi), te.at) // waits for a fresh book
		return
	}
	e.evaluateExit(a, m)
}

// retryTimeExits evaluates the due deadlines waiting for m's book.
func (e *Exchange) retryTimeExits(m *market) {
	for _, a := range e.accounts {
		s := &a.slots[m.idx]
		if !s.timeDue {
			continue
		}
		s.timeDue = false
		m.timeDue--
		s.timeExit = time.Time{}
		e.evaluateExit(a, m)
	}
}
