package stats

import "testing"

func TestPBeats(t *testing.T) {
	a := make([]float64, 200)
	bs := make([]float64, 200)
	for i := range a {
		bs[i] = 0.01 * float64(i%5-2)
		a[i] = bs[i] + 0.002 // A beats B in every period
	}
	b := Bootstrap{BlockLen: 12, Resamples: 400, Seed: 1}
	p, sig, ok := b.PBeats(a, bs)
	if !ok || p != 1 || !sig {
		t.Fatalf("PBeats(dominant) = %v %v %v, want 1 true", p, sig, ok)
	}
	p, sig, _ = b.PBeats(bs, bs)
	if p != 0.5 || sig {
		t.Fatalf("PBeats(same) = %v %v, want 0.5 false", p, sig)
	}
	p1, _, _ := b.PBeats(bs, a)
	if p1 != 0 {
		t.Fatalf("PBeats(dominated) = %v, want 0", p1)
	}
}

func TestImmature(t *testing.T) {
	m := MinRecord{Trades: 10, Days: 3}
	if !m.Immature(9, 5) || !m.Immature(20, 2.9) || m.Immature(10, 3) {
		t.Fatal("MinRecord thresholds wrong")
	}
	if g, _ := Compound([]float64{0.1, -0.1}); g > -0.0099 || g < -0.0101 {
		t.Fatalf("Compound = %v, want -0.01", g)
	}
}
