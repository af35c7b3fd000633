//go:build linux

package main

import (
	"testing"
	"time"
)

func TestBucketsCoverValuesInOrder(t *testing.T) {
	prev := -1
	for _, us := range []uint64{0, 1, 63, 64, 65, 127, 128, 1000, 250_000, 60_000_000} {
		i := bucketOf(us)
		if i < prev {
			t.Fatalf("bucket of %d (%d) before the previous value's (%d)", us, i, prev)
		}
		prev = i
		lo, hi := lowerBound(i), lowerBound(i+1)
		if us < lo || us >= hi {
			t.Errorf("%d µs in bucket %d = [%d, %d)", us, i, lo, hi)
		}
		if us >= 64 && float64(hi-lo)/float64(lo) > 1.0/64+1e-9 {
			t.Errorf("bucket %d too wide: [%d, %d)", i, lo, hi)
		}
	}
}

func TestQuantiles(t *testing.T) {
	var h histogram
	for i := 1; i <= 1000; i++ {
		h.record(time.Duration(i) * time.Millisecond)
	}
	within := func(got, want time.Duration) bool {
		return got <= want && float64(want-got) <= 0.02*float64(want)
	}
	if p50 := h.quantile(0.50); !within(p50, 500*time.Millisecond) {
		t.Errorf("p50 = %s", p50)
	}
	if p99 := h.quantile(0.99); !within(p99, 990*time.Millisecond) {
		t.Errorf("p99 = %s", p99)
	}
	if m := h.maxValue(); m != time.Second {
		t.Errorf("max = %s", m)
	}
	var empty histogram
	if empty.quantile(0.5) != 0 {
		t.Error("empty histogram quantile not zero")
	}
}

func TestParsePayload(t *testing.T) {
	seq, sent, ok := parsePayload([]byte(`{"seq":42,"t":1795515589617000123,"pad":"xx"}` + "\n"))
	if !ok || seq != 42 || sent != 1795515589617000123 {
		t.Errorf("parsePayload = %d, %d, %v", seq, sent, ok)
	}
	if _, _, ok := parsePayload([]byte(`{"t":1}`)); ok {
		t.Error("payload without seq accepted")
	}
	if n := testing.AllocsPerRun(100, func() { parsePayload([]byte(`{"seq":1,"t":2}`)) }); n != 0 {
		t.Errorf("parsePayload allocates %.0f times", n)
	}
}
