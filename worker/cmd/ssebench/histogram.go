//go:build linux

package main

import (
	"math/bits"
	"sync/atomic"
	"time"
)

// histogram records durations in log-linear buckets (64 per power of two,
// under 1.6 % error) with atomic counters, so thousands of client goroutines
// record without a lock.
type histogram struct {
	counts [64 * 48]atomic.Int64
	max    atomic.Int64 // µs
	n      atomic.Int64
}

const subBuckets = 64

func bucketOf(us uint64) int {
	if us < subBuckets {
		return int(us)
	}
	shift := bits.Len64(us) - 7 // keep the top 7 bits: 64..127
	return (shift+1)*subBuckets + int(us>>shift) - subBuckets
}

// lowerBound is the smallest value in bucket i.
func lowerBound(i int) uint64 {
	if i < subBuckets {
		return uint64(i)
	}
	shift := i/subBuckets - 1
	return uint64(i%subBuckets+subBuckets) << shift
}

func (h *histogram) record(d time.Duration) {
	us := max(d.Microseconds(), 0)
	i := min(bucketOf(uint64(us)), len(h.counts)-1)
	h.counts[i].Add(1)
	h.n.Add(1)
	for {
		m := h.max.Load()
		if us <= m || h.max.CompareAndSwap(m, us) {
			return
		}
	}
}

// quantile returns the lower bound of the bucket holding the q-th value.
func (h *histogram) quantile(q float64) time.Duration {
	n := h.n.Load()
	if n == 0 {
		return 0
	}
	rank := int64(q*float64(n-1)) + 1
	var seen int64
	for i := range h.counts {
		if seen += h.counts[i].Load(); seen >= rank {
			return time.Duration(lowerBound(i)) * time.Microsecond
		}
	}
	return h.maxValue()
}

func (h *histogram) maxValue() time.Duration { return time.Duration(h.max.Load()) * time.Microsecond }
