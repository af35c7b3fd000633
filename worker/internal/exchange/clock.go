package exchange

import (
	"time"
)

// The exchange clock only moves forward. Every mutating method first calls
// tick(now), which replays, in time order, what fell due since the last
// call: funding at each whole hour, time exits, and delayed orders and
// cancels reaching the engine. Each runs at its own due time against the
// book as it stood then (no feed update can have arrived in between, since
// updates advance the clock too). Ties run in that order: funding, time
// exits, orders.

type clockEvent int

const (
	eventNone clockEvent = iota
	eventFunding
	eventTimeExit
	eventOrder
)

func (e *Exchange) tick(now time.Time) {
	if e.now.IsZero() {
		e.now = now
		e.fundingHour = unixHour(now)
		return
	}
	for {
		at, ev := e.nextEvent()
		if ev == eventNone || at.After(now) {
			break
		}
		if at.After(e.now) {
			e.now = at
		}
		switch ev {
		case eventFunding:
			e.fundingHour++
			e.settleFunding()
		case eventTimeExit:
			e.popTimeExit()
		case eventOrder:
			e.popPending()
		}
		e.settle()
	}
	if now.After(e.now) {
		e.now = now
	}
}

// nextEvent returns the earliest thing due, funding first on ties.
func (e *Exchange) nextEvent() (time.Time, clockEvent) {
	at, ev := time.Unix((e.fundingHour+1)*3600, 0).UTC(), eventFunding
	if n := len(e.timeExits); n > 0 && e.timeExits[n-1].at.Before(at) {
		at, ev = e.timeExits[n-1].at, eventTimeExit
	}
	if n := len(e.pending); n > 0 && e.pending[n-1].due.Before(at) {
		at, ev = e.pending[n-1].due, eventOrder
	}
	return at, ev
}

// unixHour is the number of whole hours since the Unix epoch at t.
func unixHour(t time.Time) int64 {
	s := t.Unix()
	if s < 0 {
		return (s - 3599) / 3600
	}
	return s / 3600
}
