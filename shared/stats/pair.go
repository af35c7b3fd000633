package stats

// Compound is the total return of per-period returns: Π(1+r_i) - 1.
func Compound(rs []float64) (float64, bool) {
	g := 1.0
	for _, r := range rs {
		g *= 1 + r
	}
	return g - 1, len(rs) > 0
}

// DrawdownOfReturns is MaxDrawdown of the equity path 1, Π(1+r_1), … that
// per-period returns rs describe; ok is false for no returns.
func DrawdownOfReturns(rs []float64) (float64, bool) {
	g, peak, dd := 1.0, 1.0, 0.0
	for _, r := range rs {
		g *= 1 + r
		peak = max(peak, g)
		if peak > 0 {
			dd = max(dd, 1-g/peak)
		}
	}
	return dd, len(rs) > 0
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
	d := b.drawer(n, 0xbea75)
	var wins float64
	for range b.Resamples {
		ga, gb := 1.0, 1.0
		for _, j := range d.next() {
			ga *= 1 + a[j]
			gb *= 1 + bs[j]
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
