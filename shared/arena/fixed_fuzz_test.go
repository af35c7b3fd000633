package arena

import (
	"math"
	"math/big"
	"regexp"
	"testing"
)

var plainDecimal = regexp.MustCompile(`^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)$`)

var scale = big.NewRat(FixedScale, 1)

// exact is the Fixed that r denotes, if it has one.
func exact(r *big.Rat) (Fixed, bool) {
	x := new(big.Rat).Mul(r, scale)
	if !x.IsInt() || !x.Num().IsInt64() {
		return 0, false
	}
	return Fixed(x.Num().Int64()), true
}

// roundHalfAway rounds r to 8 decimals, half away from zero, as the
// checked operations do.
func roundHalfAway(r *big.Rat) (Fixed, bool) {
	x := new(big.Rat).Mul(r, scale)
	num, den := new(big.Int).Abs(x.Num()), x.Denom()
	q, m := new(big.Int).QuoRem(num, den, new(big.Int))
	if new(big.Int).Lsh(m, 1).Cmp(den) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	if x.Sign() < 0 {
		q.Neg(q)
	}
	if !q.IsInt64() || q.Int64() == math.MinInt64 {
		return 0, false
	}
	return Fixed(q.Int64()), true
}

// ParseFixed and the JSON form agree with math/big: a plain or exponent
// decimal parses if and only if it has an exact Fixed, and to that value.
func FuzzParseFixed(f *testing.F) {
	for _, s := range []string{"0", "-12.345", "1.000000001", "92233720368.54775807", "92233720368.54775808", "+.5", "1.", "abc",
		"1e-8", "1.5e-8", "1.23456789012e2", "-0", "00012.50", "9e10", "1e11", "-92233720368.54775808", "-92233720368.54775809"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseFixed(s)
		if plainDecimal.MatchString(s) {
			r, ok := new(big.Rat).SetString(s)
			want, exactOK := exact(r)
			switch {
			case !ok:
				t.Fatalf("big.Rat rejects plain decimal %q", s)
			case exactOK && (err != nil || got != want):
				t.Fatalf("ParseFixed(%q) = %s, %v; want %s", s, got, err, want)
			case !exactOK && err == nil:
				t.Fatalf("ParseFixed(%q) = %s; want an error (not exact in 8 decimals or out of range)", s, got)
			}
		} else if err == nil {
			t.Fatalf("ParseFixed(%q) accepted a non-decimal as %s", s, got)
		}
		var j Fixed
		jerr := j.UnmarshalJSON([]byte(s))
		if r, ok := new(big.Rat).SetString(s); ok && regexp.MustCompile(`^[+-]?[0-9.]+([eE][+-]?[0-9]+)?$`).MatchString(s) {
			want, exactOK := exact(r)
			if exactOK != (jerr == nil) || (exactOK && j != want) {
				t.Fatalf("UnmarshalJSON(%q) = %s, %v; exact %v %s", s, j, jerr, exactOK, want)
			}
		}
	})
}

// The checked operations are exact (Add) or correctly rounded half away
// from zero (Mul, Div), and report overflow exactly when the result does not
// fit.
func FuzzFixedArithmetic(f *testing.F) {
	for _, p := range [][2]int64{{1, 1}, {-150000000, 3}, {math.MaxInt64, 1}, {math.MinInt64 + 1, -1}, {123456789, 987654321},
		{5, 10}, {-5, 10}, {1 << 40, 1 << 40}, {0, 7}, {7, 0}} {
		f.Add(p[0], p[1])
	}
	f.Fuzz(func(t *testing.T, a, b int64) {
		if a == math.MinInt64 || b == math.MinInt64 {
			return // outside the range the ledger uses (|x| < 2^63)
		}
		fa, fb := Fixed(a), Fixed(b)
		ra, rb := new(big.Rat).SetFrac64(a, FixedScale), new(big.Rat).SetFrac64(b, FixedScale)
		sum, err := fa.AddChecked(fb)
		want, ok := exact(new(big.Rat).Add(ra, rb))
		if ok != (err == nil) || (ok && sum != want) {
			t.Fatalf("%s + %s = %s, %v; want %s (fits %v)", fa, fb, sum, err, want, ok)
		}
		prod, err := fa.MulChecked(fb)
		want, ok = roundHalfAway(new(big.Rat).Mul(ra, rb))
		if ok != (err == nil) || (ok && prod != want) {
			t.Fatalf("%s × %s = %s, %v; want %s (fits %v)", fa, fb, prod, err, want, ok)
		}
		if b == 0 {
			if _, err := fa.DivChecked(fb); err == nil {
				t.Fatal("division by zero accepted")
			}
			return
		}
		quo, err := fa.DivChecked(fb)
		want, ok = roundHalfAway(new(big.Rat).Quo(ra, rb))
		if ok != (err == nil) || (ok && quo != want) {
			t.Fatalf("%s ÷ %s = %s, %v; want %s (fits %v)", fa, fb, quo, err, want, ok)
		}
	})
}
