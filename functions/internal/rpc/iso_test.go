package rpc

import (
	"math/rand/v2"
	"testing"
	"time"
)

// ISO formats like JavaScript's toISOString for every instant.
func TestISO(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	zone := time.FixedZone("IST", 5*3600+1800)
	for range 10_000 {
		tm := time.Unix(rng.Int64N(1<<36)-1<<34, rng.Int64N(1e9)).In(zone)
		want := tm.UTC().Format("2006-01-02T15:04:05.000") + "Z"
		if tm.UTC().Year() < 0 || tm.UTC().Year() > 9999 {
			continue
		}
		if got := ISO(tm); got != want {
			t.Fatalf("ISO(%v) = %s, want %s", tm, got, want)
		}
	}
	if got := ISO(time.Date(2026, 3, 10, 12, 0, 0, 999_999_999, time.UTC)); got != "2026-03-10T12:00:00.999Z" {
		t.Fatalf("truncation: %s", got)
	}
}
