package arena

import (
	"encoding/json"
	"errors"
	"math"
	"testing"
)

func TestParseFixed(t *testing.T) {
	tests := []struct {
		in   string
		want Fixed
		err  bool
	}{
		{"0", 0, false},
		{"1", One, false},
		{"-1.5", -150_000_000, false},
		{"+0.00000001", 1, false},
		{".5", 50_000_000, false},
		{"5.", 500_000_000, false},
		{"123.4500000000", 12_345_000_000, false},
		{"0.000000001", 0, true},
		{"", 0, true},
		{"-", 0, true},
		{".", 0, true},
		{"1e5", 0, true},
		{"NaN", 0, true},
		{"1.2.3", 0, true},
		{"92233720368.54775807", math.MaxInt64, false},
		{"92233720368.54775808", 0, true},
		{"99999999999999999999999", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseFixed(tt.in)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("ParseFixed(%q) = %d, %v; want %d, err=%v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestFixedStringRoundTrip(t *testing.T) {
	for _, s := range []string{"0", "1", "-1.5", "0.00000001", "-0.25", "97123.4", "92233720368.54775807"} {
		f := MustFixed(s)
		if f.String() != s {
			t.Errorf("String(%q) = %q", s, f.String())
		}
	}
	if got := Fixed(math.MinInt64 + 1).String(); got != "-92233720368.54775807" {
		t.Errorf("min string = %q", got)
	}
}

func TestFixedMulDiv(t *testing.T) {
	tests := []struct{ a, b, mul, div string }{
		{"2", "3", "6", "0.66666667"},
		{"97000.5", "0.00123", "119.310615", "78862195.12195122"},
		{"-1.5", "2", "-3", "-0.75"},
		{"0.00000001", "0.5", "0.00000001", "0.00000002"}, // half away from zero
		{"-0.00000001", "0.5", "-0.00000001", "-0.00000002"},
		{"100000", "10000", "1000000000", "10"},
	}
	for _, tt := range tests {
		a, b := MustFixed(tt.a), MustFixed(tt.b)
		if got := a.Mul(b); got != MustFixed(tt.mul) {
			t.Errorf("%s × %s = %s, want %s", tt.a, tt.b, got, tt.mul)
		}
		if got := a.Div(b); got != MustFixed(tt.div) {
			t.Errorf("%s ÷ %s = %s, want %s", tt.a, tt.b, got, tt.div)
		}
	}
	if _, err := FixedInt(1_000_000).MulChecked(FixedInt(1_000_000)); !errors.Is(err, ErrOverflow) {
		t.Errorf("overflow not reported: %v", err)
	}
	if _, err := One.DivChecked(0); err == nil {
		t.Error("division by zero not reported")
	}
}

func TestFixedRounding(t *testing.T) {
	step := MustFixed("0.01")
	if got := MustFixed("1.239").FloorTo(step); got != MustFixed("1.23") {
		t.Errorf("floor = %s", got)
	}
	if got := MustFixed("-1.239").FloorTo(step); got != MustFixed("-1.23") {
		t.Errorf("floor negative = %s", got)
	}
	if got := MustFixed("1.235").RoundTo(step); got != MustFixed("1.24") {
		t.Errorf("round = %s", got)
	}
	if got := MustFixed("-1.235").RoundTo(step); got != MustFixed("-1.24") {
		t.Errorf("round negative = %s", got)
	}
	if !MustFixed("1.23").IsMultipleOf(step) || MustFixed("1.231").IsMultipleOf(step) {
		t.Error("IsMultipleOf wrong")
	}
}

func TestFixedFromFloat(t *testing.T) {
	if f, err := FixedFromFloat(0.1); err != nil || f != MustFixed("0.1") {
		t.Errorf("0.1 -> %s, %v", f, err)
	}
	for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1), 1e300} {
		if _, err := FixedFromFloat(v); err == nil {
			t.Errorf("FixedFromFloat(%v) accepted", v)
		}
	}
}

func TestFixedJSON(t *testing.T) {
	var v struct{ A, B, C Fixed }
	if err := json.Unmarshal([]byte(`{"A":1.25,"B":"-3.5","C":1e-3}`), &v); err != nil {
		t.Fatal(err)
	}
	if v.A != MustFixed("1.25") || v.B != MustFixed("-3.5") || v.C != MustFixed("0.001") {
		t.Errorf("decoded %+v", v)
	}
	out, _ := json.Marshal(v)
	if string(out) != `{"A":1.25,"B":-3.5,"C":0.001}` {
		t.Errorf("encoded %s", out)
	}
	if err := json.Unmarshal([]byte(`{"A":"x"}`), &v); err == nil {
		t.Error("bad decimal accepted")
	}
}

func TestDefaultMarketsValid(t *testing.T) {
	for _, m := range DefaultMarkets() {
		if err := m.Validate(); err != nil {
			t.Error(err)
		}
	}
	if got := len(DefaultRoster()); got != 3*7+5 {
		t.Errorf("roster size = %d", got)
	}
}

func BenchmarkFixedMul(b *testing.B) {
	x, y := MustFixed("97123.4"), MustFixed("0.01234")
	for b.Loop() {
		_ = x.Mul(y)
	}
}

// Exponent numbers in JSON mean the exact value they write: representable
// ones parse exactly, the others are rejected like their written-out form.
func TestFixedJSONExponents(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // "" = rejected
	}{
		{"1e2", "100"}, {"1.5e2", "150"}, {"-2.5E-3", "-0.0025"}, {"1e-8", "0.00000001"}, {"\"4.2e1\"", "42"},
		{"1e-9", ""}, {"1.5e-8", ""}, {"1.23456789012e2", ""}, {"9e18", ""}, {"1e400", ""}, {"e5", ""}, {"1e", ""},
		{"0.1e1", "1"}, {"123456789e-8", "1.23456789"},
	} {
		var f Fixed
		err := f.UnmarshalJSON([]byte(tc.in))
		switch {
		case tc.want == "" && err == nil:
			t.Errorf("%s: accepted as %s, want an error", tc.in, f)
		case tc.want != "" && err != nil:
			t.Errorf("%s: %v, want %s", tc.in, err, tc.want)
		case tc.want != "" && f != MustFixed(tc.want):
			t.Errorf("%s = %s, want %s", tc.in, f, tc.want)
		}
	}
}
