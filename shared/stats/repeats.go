package stats

import (
	"math"
	"slices"
)

// Summary describes one figure across repeated runs.
type Summary struct {
	N        int
	Mean     float64
	SD       float64 // sample standard deviation (n-1); 0 for one run
	Min, Max float64
	Interval Range // 95% bootstrap interval of the mean
}

// Summarize describes values, one per repeat. The interval resamples the
// repeats independently (BlockLen 1) with b's resamples and seed.
func (b Bootstrap) Summarize(values []float64) Summary {
	s := Summary{N: len(values)}
	if s.N == 0 {
		return s
	}
	s.Mean = mean(values)
	s.Min, s.Max = slices.Min(values), slices.Max(values)
	if s.N > 1 {
		var ss float64
		for _, v := range values {
			ss += (v - s.Mean) * (v - s.Mean)
		}
		s.SD = math.Sqrt(ss / float64(s.N-1))
	}
	b.BlockLen = 1
	s.Interval = b.Intervals(values, func(x []float64) (float64, bool) { return mean(x), true })[0]
	return s
}
