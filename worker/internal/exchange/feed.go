package exchange

import (
	"slices"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

// maxFeedPrice bounds prices accepted from a feed (1e9 USDT), so valuation
// arithmetic cannot overflow on garbage.
const maxFeedPrice = arena.Fixed(1_000_000_000 * arena.FixedScale)

// ApplyBook applies a venue book snapshot or delta received at now. Due
// delayed orders execute first against the book as it was; then the book
// changes, resting orders it crosses fill, and exit plans and liquidation
// bands reached by the new mark fire. A delta whose Seq is not above the
// last one is refused (CodeConflict): the feed must resynchronise with a
// snapshot.
func (e *Exchange) ApplyBook(now time.Time, u arena.BookUpdate) error {
	us := [1]arena.BookUpdate{u}
	return e.ApplyBooks(now, us[:])
}

// ApplyBooks applies updates of several markets received together (a
// feed's resynchronisation, after a reconnect or a restart) as one step:
// due orders execute first, then every book changes before anything reacts
// to the new marks, so no account is judged, and no order filled, on a mix
// of old and new books. Otherwise it is ApplyBook for each update; a stale
// delta is skipped and reported.
func (e *Exchange) ApplyBooks(now time.Time, us []arena.BookUpdate) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.cfg.Journal != nil {
		e.journal(&Input{Kind: InputBooks, Time: now, Books: slices.Clone(us)})
	}
	for i := range us {
		if _, err := e.market(us[i].Symbol); err != nil {
			return err
		}
		if err := validateLevels(us[i].Bids, true, us[i].Snapshot); err != nil {
			return err
		}
		if err := validateLevels(us[i].Asks, false, us[i].Snapshot); err != nil {
			return err
		}
	}
	e.tick(now)
	var stale error
	for i := range us {
		u := &us[i]
		m, _ := e.market(u.Symbol)
		if !u.Snapshot && u.Seq != 0 && u.Seq <= m.lastSeq {
			stale = arena.Errorf(arena.CodeConflict, "%s book delta %d is not after %d", u.Symbol, u.Seq, m.lastSeq)
			continue
		}
		e.applyLevels(m, u)
		m.lastSeq = u.Seq
		m.updated = e.now
		e.remark(m)
	}
	for i := range us {
		m, _ := e.market(us[i].Symbol)
		e.crossResting(m)
		e.checkTriggers(m)
		e.releaseParked(m)
	}
	e.flush()
	return stale
}

func (e *Exchange) applyLevels(m *market, u *arena.BookUpdate) {
	if u.Snapshot {
		m.book.bids.replace(u.Bids)
		m.book.asks.replace(u.Asks)
		e.capAllQueues(m)
		return
	}
	for _, l := range u.Bids {
		m.book.bids.set(l.Price, l.Size)
		e.capQueues(m, arena.Long, l.Price, l.Size)
	}
	for _, l := range u.Asks {
		m.book.asks.set(l.Price, l.Size)
		e.capQueues(m, arena.Short, l.Price, l.Size)
	}
}

// remark sets the mark from the book's mid (or the venue's mark while the
// book lacks a side). The first mark of a market re-checks every account,
// since positions restored before any data had no bands.
func (e *Exchange) remark(m *market) {
	mid, ok := m.book.mid()
	if !ok {
		if m.mark != 0 || m.venueMark == 0 {
			return
		}
		mid = m.venueMark
	}
	first := m.mark == 0
	m.mark = mid
	if first {
		for _, a := range e.accounts {
			if a.slots[m.idx].pos.Quantity > 0 {
				e.markDirty(a)
			}
		}
	}
}

// ApplyTrade applies a venue trade: it advances the queues of our resting
// orders at its price and fills those it reaches or trades through.
func (e *Exchange) ApplyTrade(now time.Time, t arena.TradePrint) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.cfg.Journal != nil {
		tc := t
		e.journal(&Input{Kind: InputTrade, Time: now, Trade: &tc})
	}
	m, err := e.market(t.Symbol)
	if err != nil {
		return err
	}
	if t.Price <= 0 || t.Price > maxFeedPrice || t.Size <= 0 {
		return arena.Errorf(arena.CodeInvalid, "%s trade %s × %s: price and size must be positive", t.Symbol, t.Size, t.Price)
	}
	e.tick(now)
	e.tradeResting(m, t)
	e.flush()
	return nil
}

// ApplyStats records a market's funding rate (fraction per hour) and the
// venue's mark price.
func (e *Exchange) ApplyStats(now time.Time, s arena.MarketStats) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.cfg.Journal != nil {
		sc := s
		e.journal(&Input{Kind: InputStats, Time: now, Stats: &sc})
	}
	m, err := e.market(s.Symbol)
	if err != nil {
		return err
	}
	if s.MarkPrice < 0 || s.MarkPrice > maxFeedPrice || s.FundingRate.Abs() > arena.One {
		return arena.Errorf(arena.CodeInvalid, "%s stats: mark %s or funding rate %s out of range", s.Symbol, s.MarkPrice, s.FundingRate)
	}
	e.tick(now)
	rate, mark, _ := m.fundingBasis()
	m.venueMark = s.MarkPrice
	m.fundingRate, m.hasRate = s.FundingRate, true
	e.remark(m)
	if r, k, _ := m.fundingBasis(); r != rate || k != mark {
		e.stateChanged = true // persist the new funding basis even if nothing else happens
	}
	e.flush()
	return nil
}
