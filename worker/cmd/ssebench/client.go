//go:build linux

package main

import (
	"bytes"
	"sync/atomic"
)

// tally is what all clients count together.
type tally struct {
	connected  atomic.Int64 // received the first block of their stream
	failed     atomic.Int64 // could not connect
	received   atomic.Int64 // benchmark events received
	outOfOrder atomic.Int64 // events whose sequence did not follow the previous one
	dropped    atomic.Int64 // streams that ended while the benchmark ran
}

var (
	seqKey  = []byte(`"seq":`)
	timeKey = []byte(`"t":`)
)

// parsePayload reads {"seq":N,"t":UNIXNANO,...} without allocating.
func parsePayload(b []byte) (seq, sent int64, ok bool) {
	seq, ok1 := intAfter(b, seqKey)
	sent, ok2 := intAfter(b, timeKey)
	return seq, sent, ok1 && ok2
}

func intAfter(b, key []byte) (int64, bool) {
	i := bytes.Index(b, key)
	if i < 0 {
		return 0, false
	}
	var v int64
	n := 0
	for _, d := range b[i+len(key):] {
		if d < '0' || d > '9' || n == 19 { // int64 holds 19 digits (unix ns: 19)
			break
		}
		v = v*10 + int64(d-'0')
		n++
	}
	return v, n > 0
}
