package stats

import (
	"math"
	"testing"
)

func near(t *testing.T, name string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-12 {
		t.Errorf("%s = %.15g, want %.15g", name, got, want)
	}
}

func TestHandComputed(t *testing.T) {
	eq := []float64{100, 110, 99, 108.9}
	rs := Returns(eq) // 0.1, -0.1, 0.1
	near(t, "r0", rs[0], 0.1)
	near(t, "r1", rs[1], -0.1)
	near(t, "r2", rs[2], 0.1)
	ret, _ := Return(eq)
	near(t, "return", ret, 0.089)
	net, _ := NetReturn(eq, 8.9)
	near(t, "net", net, 0)
	// mean 1/30, sample sd = sqrt(((2/30)²·2 + (4/30)²)/2) = sqrt(0.0133…)
	sh, ok := Sharpe(rs, 1)
	near(t, "sharpe", sh, (1.0/30)/math.Sqrt((2*(0.2/3)*(0.2/3)+(0.4/3)*(0.4/3))/2))
	if !ok {
		t.Fatal("sharpe undefined")
	}
	so, _ := Sortino(rs, 4)
	near(t, "sortino", so, (1.0/30)/math.Sqrt(0.01/3)*2)
	near(t, "maxdd", MaxDrawdown(eq), 0.1)
	if _, ok := Sharpe([]float64{0.1, 0.1}, 1); ok {
		t.Error("sharpe of constant returns should be undefined")
	}
}

func TestIntervalSeededAndSane(t *testing.T) {
	eq := []float64{100}
	for i := 1; i < 300; i++ {
		eq = append(eq, eq[i-1]*(1+0.01*math.Sin(float64(i)*1.7)+0.001))
	}
	rs := Returns(eq)
	b := Bootstrap{BlockLen: 12, Resamples: 500, Seed: 7}
	mean := func(x []float64) (float64, bool) { return mean(x), true }
	lo1, hi1, ok := b.Interval(rs, mean)
	lo2, hi2, _ := b.Interval(rs, mean)
	if !ok || lo1 != lo2 || hi1 != hi2 {
		t.Fatalf("seeded interval not reproducible: [%v,%v] vs [%v,%v]", lo1, hi1, lo2, hi2)
	}
	m, _ := mean(rs)
	if !(lo1 < m && m < hi1) {
		t.Errorf("interval [%v,%v] excludes the sample mean %v", lo1, hi1, m)
	}
	b.Seed = 8
	if lo3, hi3, _ := b.Interval(rs, mean); lo3 == lo1 && hi3 == hi1 {
		t.Error("another seed gave the identical interval")
	}
}

func TestQuantile(t *testing.T) {
	v := []float64{1, 2, 3, 4, 5}
	near(t, "q0", Quantile(v, 0), 1)
	near(t, "q.5", Quantile(v, 0.5), 3)
	near(t, "q.975", Quantile(v, 0.975), 4.9)
}
