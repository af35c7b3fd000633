package arena

import (
	"strconv"
	"strings"
)

// EventIDZero is the ID before every event of a channel: a client that holds
// it has seen nothing, and resuming after it replays the whole history.
const EventIDZero = "0-0"

// maxEventIDLen bounds an event ID accepted from outside (a Last-Event-ID
// header): two uint64 and a dash.
const maxEventIDLen = 41

// ParseEventID splits an event ID of the form "<ms>-<seq>" (the form the event
// log assigns: a Redis stream entry ID) into its two parts. ok is false for
// anything else, so IDs from clients can be validated before use.
func ParseEventID(id string) (ms, seq uint64, ok bool) {
	if len(id) > maxEventIDLen {
		return 0, 0, false
	}
	a, b, found := strings.Cut(id, "-")
	if !found || a == "" || b == "" || a[0] == '+' || b[0] == '+' {
		return 0, 0, false
	}
	ms, err := strconv.ParseUint(a, 10, 64)
	if err != nil {
		return 0, 0, false
	}
	seq, err = strconv.ParseUint(b, 10, 64)
	if err != nil {
		return 0, 0, false
	}
	return ms, seq, true
}

// CompareEventIDs orders two IDs of the same channel: -1 if a was assigned
// before b, 0 if they are equal, +1 if after. An invalid ID sorts before every
// valid one, so it never suppresses a real event.
func CompareEventIDs(a, b string) int {
	am, as, aok := ParseEventID(a)
	bm, bs, bok := ParseEventID(b)
	switch {
	case !aok || !bok:
		return cmpBool(aok, bok)
	case am != bm:
		return cmpUint(am, bm)
	default:
		return cmpUint(as, bs)
	}
}

func cmpUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case b:
		return -1
	}
	return 1
}
