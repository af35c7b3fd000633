package stats

import (
	"math"
	"math/rand/v2"
)

// Bootstrap configures the stationary bootstrap (see the package doc).
// BlockLen is the mean block length in periods: 1 resamples periods
// independently, a very large value resamples whole rotations of the series.
type Bootstrap struct {
	BlockLen  float64 // mean block length in periods (e.g. 12 for hourly blocks of 5-minute returns)
	Resamples int     // number of bootstrap draws, e.g. 1000
	Seed      uint64
}

// Statistic is a figure computed from per-period returns; ok is false where
// it is undefined.
type Statistic func(rs []float64) (v float64, ok bool)

// Range is a two-sided 95% interval.
type Range struct {
	Lo, Hi float64
	OK     bool // false when the statistic was undefined on every draw
}

// Interval returns the 95% stationary-bootstrap interval of stat over rs.
// ok is false when rs is empty or stat is undefined on every draw.
func (b Bootstrap) Interval(rs []float64, stat Statistic) (lo, hi float64, ok bool) {
	r := b.Intervals(rs, stat)[0]
	return r.Lo, r.Hi, r.OK
}

// Intervals returns the 95% interval of each statistic, all computed on the
// same resampled series (one set of draws for every figure, so they are
// consistent with each other and cost one resampling).
func (b Bootstrap) Intervals(rs []float64, stats ...Statistic) []Range {
	out := make([]Range, len(stats))
	n := len(rs)
	if n == 0 || b.Resamples <= 0 {
		return out
	}
	vals := make([][]float64, len(stats))
	for k := range vals {
		vals[k] = make([]float64, 0, b.Resamples)
	}
	d := b.drawer(n, 0x5eed)
	draw := make([]float64, n)
	for range b.Resamples {
		for i, j := range d.next() {
			draw[i] = rs[j]
		}
		for k, stat := range stats {
			if v, ok := stat(draw); ok {
				vals[k] = append(vals[k], v)
			}
		}
	}
	for k, v := range vals {
		out[k] = percentiles(v)
	}
	return out
}

// drawer yields the period indices of successive stationary-bootstrap draws
// of a series of n periods: blocks start at a uniform index and run on
// (wrapping around) for a geometric number of periods with mean BlockLen,
// which is the same as continuing each block with probability 1-1/BlockLen
// per period; the length is drawn once per block, not once per period.
type drawer struct {
	rng  *rand.Rand
	logq float64 // log(1 - 1/BlockLen); 0 for one block per draw, -Inf for blocks of one
	idx  []int
}

func (b Bootstrap) drawer(n int, stream uint64) *drawer {
	return &drawer{rng: rand.New(rand.NewPCG(b.Seed, stream)), logq: math.Log1p(-1 / math.Max(b.BlockLen, 1)), idx: make([]int, n)}
}

// blockLen draws 1 + floor(log U / log q), U uniform in (0, 1]: P(L > k) = q^k.
func (d *drawer) blockLen(n int) int {
	if d.logq == 0 {
		return n
	}
	l := 1 + math.Floor(math.Log(1-d.rng.Float64())/d.logq)
	if l >= float64(n) {
		return n
	}
	return int(l)
}

func (d *drawer) next() []int {
	n := len(d.idx)
	for i := 0; i < n; {
		j, l := d.rng.IntN(n), d.blockLen(n)
		for end := min(i+l, n); i < end; i++ {
			d.idx[i] = j
			if j++; j == n {
				j = 0
			}
		}
	}
	return d.idx
}
