package stats

import (
	"math"
	"math/rand/v2"
)

// Compound is the total return of per-period returns: Π(1+r_i) - 1.
func Compound(rs []float64) (float64, bool) {
	g := 1.0
	for _, r := range rs {
		g *= 1 + r
	}
	return g - 1, len(rs) > 0
}

// PBeats is the paired stationary-bootstrap probability that A's compound
// return beats B's over the same periods: each draw resamples the same
// period indices from both series (they share a tape), and P counts the
// draws where A's total exceeds B's, ties counting half. Significant is
// P ≥ 0.975 or P ≤ 0.025 (a two-sided 5% test). a and b are aligned
// per-period returns; the shorter length is used.
func (b Bootstrap) PBeats(a, bs []float64) (p float64, significant, ok bool) {
	n := min(len(a), len(bs))
	if n == 0 || b.Resamples <= 0 {
		return 0, false, false
	}
	q := 1 / math.Max(b.BlockLen, 1)
	rng := rand.New(rand.NewPCG(b.Seed, 0xbea75))
	var wins float64
	for range b.Resamples {
		ga, gb := 1.0, 1.0
		j := rng.IntN(n)
		for i := range n {
			if i > 0 && rng.Float64() < q {
				j = rng.IntN(n)
			}
			ga *= 1 + a[j]
			gb *= 1 + bs[j]
			j = (j + 1) % n
		}
		switch {
		case ga > gb:
			wins++
		case ga == gb:
			wins += 0.5
		}
	}
	p = wins / float64(b.Resamples)
	return p, p >= 0.975 || p <= 0.025, true
}

// MinRecord is the record an entrant needs before it is ranked; below it the
// entrant is immature and never headlines.
type MinRecord struct {
	Trades int
	Days   float64
}

// Immature reports whether a record of trades over days is below m.
func (m MinRecord) Immature(trades int, days float64) bool {
	return trades < m.Trades || days < m.Days
}
