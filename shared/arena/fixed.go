package arena

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"strconv"
	"strings"
)

// Fixed is an exact signed decimal with FixedDecimals fractional digits,
// stored as an integer count of 1e-8 units: Fixed(150_000_000) is 1.5.
// The range is about ±92 billion, ample for USD balances, prices and
// base-unit quantities of the markets traded here. Arithmetic that would
// overflow reports it (the *Checked methods) instead of wrapping.
type Fixed int64

// FixedDecimals is the number of fractional digits a Fixed carries.
const FixedDecimals = 8

// FixedScale is 10^FixedDecimals, the integer value of Fixed(1.0).
const FixedScale = 100_000_000

// Useful constants.
const (
	Zero     Fixed = 0
	One      Fixed = FixedScale
	MaxFixed Fixed = math.MaxInt64
)

// ErrOverflow reports that a Fixed computation left the representable range.
var ErrOverflow = errors.New("fixed-point overflow")

// FixedInt returns the Fixed value of a whole number.
func FixedInt(n int64) Fixed { return Fixed(n * FixedScale) }

// MustFixed parses s and panics on error; for constants and tests only.
func MustFixed(s string) Fixed {
	f, err := ParseFixed(s)
	if err != nil {
		panic(err)
	}
	return f
}

// ParseFixed parses a plain decimal string such as "-12.345". It is exact: a
// value with more than FixedDecimals fractional digits is rejected unless the
// extra digits are zeros, as are exponents, NaN, infinities and empty input.
func ParseFixed(s string) (Fixed, error) { return parseFixed(s) }

// ParseFixedBytes is ParseFixed of a byte slice (a feed's JSON); it does
// not allocate unless it fails.
func ParseFixedBytes(b []byte) (Fixed, error) { return parseFixed(b) }

func parseFixed[T string | []byte](s T) (Fixed, error) {
	orig := s
	fail := func(format string, args ...any) (Fixed, error) {
		return 0, fmt.Errorf("parse decimal %q: "+format, append([]any{string(orig)}, args...)...)
	}
	if len(s) == 0 {
		return fail("empty")
	}
	neg := false
	switch s[0] {
	case '-':
		neg, s = true, s[1:]
	case '+':
		s = s[1:]
	}
	intPart, frac, hasDot := s, s[len(s):], false
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			intPart, frac, hasDot = s[:i], s[i+1:], true
			break
		}
	}
	if len(intPart) == 0 && (!hasDot || len(frac) == 0) {
		return fail("no digits")
	}
	for len(frac) > 0 && frac[len(frac)-1] == '0' {
		frac = frac[:len(frac)-1]
	}
	if len(frac) > FixedDecimals {
		return fail("more than %d fractional digits", FixedDecimals)
	}
	var whole uint64
	for i := 0; i < len(intPart); i++ {
		c := intPart[i]
		if c < '0' || c > '9' {
			return fail("invalid character %q", c)
		}
		hi, lo := bits.Mul64(whole, 10)
		if hi != 0 || lo > math.MaxUint64-uint64(c-'0') {
			return fail("%w", ErrOverflow)
		}
		whole = lo + uint64(c-'0')
	}
	var fr uint64
	for i := 0; i < FixedDecimals; i++ {
		fr *= 10
		if i < len(frac) {
			c := frac[i]
			if c < '0' || c > '9' {
				return fail("invalid character %q", c)
			}
			fr += uint64(c - '0')
		}
	}
	hi, lo := bits.Mul64(whole, FixedScale)
	lo, carry := bits.Add64(lo, fr, 0)
	limit := uint64(math.MaxInt64)
	if neg {
		limit++ // the most negative Fixed has no positive twin
	}
	if hi != 0 || carry != 0 || lo > limit {
		return fail("%w", ErrOverflow)
	}
	if neg {
		return Fixed(-lo), nil
	}
	return Fixed(lo), nil
}

// FixedFromFloat converts a float64 (for example a number an LLM wrote in a
// JSON tool call) to the nearest Fixed. Non-finite and out-of-range values
// are errors; this is the only door from float64 into ledger arithmetic.
func FixedFromFloat(v float64) (Fixed, error) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("convert %v to decimal: not a finite number", v)
	}
	scaled := math.Round(v * FixedScale)
	if scaled >= math.MaxInt64 || scaled <= math.MinInt64 {
		return 0, fmt.Errorf("convert %v to decimal: %w", v, ErrOverflow)
	}
	// Go through the shortest decimal text so 0.1 becomes exactly 0.1.
	if f, err := ParseFixed(strconv.FormatFloat(v, 'f', -1, 64)); err == nil {
		return f, nil
	}
	return Fixed(int64(scaled)), nil
}

// String formats f as a plain decimal with no trailing zeros ("1.5", "-0.25", "3").
func (f Fixed) String() string {
	var buf [24]byte
	return string(f.AppendText(buf[:0]))
}

// AppendText appends f's decimal text to b without allocating when b has room.
func (f Fixed) AppendText(b []byte) []byte {
	u := uint64(f)
	if f < 0 {
		b = append(b, '-')
		u = uint64(-f) // MinInt64 negates to itself; as uint64 it is still correct
	}
	b = strconv.AppendUint(b, u/FixedScale, 10)
	frac := u % FixedScale
	if frac == 0 {
		return b
	}
	var digits [FixedDecimals]byte
	for i := FixedDecimals - 1; i >= 0; i-- {
		digits[i] = byte('0' + frac%10)
		frac /= 10
	}
	n := FixedDecimals
	for n > 0 && digits[n-1] == '0' {
		n--
	}
	b = append(b, '.')
	return append(b, digits[:n]...)
}

// Float64 returns f as a float64, for display and statistics only.
func (f Fixed) Float64() float64 { return float64(f) / FixedScale }

// Sign returns -1, 0 or +1.
func (f Fixed) Sign() int {
	switch {
	case f > 0:
		return 1
	case f < 0:
		return -1
	}
	return 0
}

// Abs returns |f|.
func (f Fixed) Abs() Fixed {
	if f < 0 {
		return -f
	}
	return f
}

// Neg returns -f.
func (f Fixed) Neg() Fixed { return -f }

// Min returns the smaller of f and g.
func (f Fixed) Min(g Fixed) Fixed {
	if g < f {
		return g
	}
	return f
}

// Max returns the larger of f and g.
func (f Fixed) Max(g Fixed) Fixed {
	if g > f {
		return g
	}
	return f
}

// AddChecked returns f+g, or ErrOverflow.
func (f Fixed) AddChecked(g Fixed) (Fixed, error) {
	s := f + g
	if (g > 0 && s < f) || (g < 0 && s > f) {
		return 0, ErrOverflow
	}
	return s, nil
}

// Mul returns f×g rounded half away from zero to 8 decimals. It panics on
// overflow; use MulChecked where inputs are not already bounded.
func (f Fixed) Mul(g Fixed) Fixed {
	r, err := f.MulChecked(g)
	if err != nil {
		panic(fmt.Sprintf("arena: %s × %s: %v", f, g, err))
	}
	return r
}

// MulChecked returns f×g rounded half away from zero, or ErrOverflow.
func (f Fixed) MulChecked(g Fixed) (Fixed, error) {
	neg := (f < 0) != (g < 0)
	hi, lo := bits.Mul64(absU(f), absU(g))
	return divRound(hi, lo, FixedScale, neg)
}

// Div returns f÷g rounded half away from zero. It panics on division by
// zero or overflow; use DivChecked where inputs are not already bounded.
func (f Fixed) Div(g Fixed) Fixed {
	r, err := f.DivChecked(g)
	if err != nil {
		panic(fmt.Sprintf("arena: %s ÷ %s: %v", f, g, err))
	}
	return r
}

// DivChecked returns f÷g rounded half away from zero, or an error for a zero
// divisor or overflow.
func (f Fixed) DivChecked(g Fixed) (Fixed, error) {
	if g == 0 {
		return 0, errors.New("division by zero")
	}
	neg := (f < 0) != (g < 0)
	hi, lo := bits.Mul64(absU(f), FixedScale)
	return divRound(hi, lo, absU(g), neg)
}

// MulInt returns f×n exactly, or panics on overflow.
func (f Fixed) MulInt(n int64) Fixed {
	r, err := f.MulChecked(FixedInt(n))
	if err != nil {
		panic(fmt.Sprintf("arena: %s × %d: %v", f, n, err))
	}
	return r
}

// FloorTo rounds f toward zero to a multiple of step (step > 0), as a lot or
// tick size is applied to an order.
func (f Fixed) FloorTo(step Fixed) Fixed {
	if step <= 0 {
		return f
	}
	return f - f%step
}

// RoundTo rounds f to the nearest multiple of step, half away from zero.
func (f Fixed) RoundTo(step Fixed) Fixed {
	if step <= 0 {
		return f
	}
	r := f % step
	base := f - r
	if r.Abs()*2 >= step {
		if f < 0 {
			return base - step
		}
		return base + step
	}
	return base
}

// IsMultipleOf reports whether f is a whole multiple of step.
func (f Fixed) IsMultipleOf(step Fixed) bool { return step > 0 && f%step == 0 }

func absU(f Fixed) uint64 {
	if f < 0 {
		return uint64(-f)
	}
	return uint64(f)
}

// divRound divides the 128-bit (hi, lo) by d, rounding half away from zero.
func divRound(hi, lo, d uint64, neg bool) (Fixed, error) {
	if hi >= d {
		return 0, ErrOverflow
	}
	q, rem := bits.Div64(hi, lo, d)
	if rem >= d-rem { // rem*2 >= d without overflow
		q++
	}
	if q > math.MaxInt64 {
		return 0, ErrOverflow
	}
	if neg {
		return Fixed(-int64(q)), nil
	}
	return Fixed(q), nil
}

// MarshalJSON writes f as a JSON number with its exact decimal text.
func (f Fixed) MarshalJSON() ([]byte, error) { return f.AppendText(nil), nil }

// UnmarshalJSON accepts a JSON number or a decimal string.
func (f *Fixed) UnmarshalJSON(b []byte) error {
	s := string(b)
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = s[1 : len(s)-1]
	}
	if strings.ContainsAny(s, "eE") {
		g, err := parseExponent(s)
		if err != nil {
			return err
		}
		*f = g
		return nil
	}
	g, err := ParseFixed(s)
	if err != nil {
		return err
	}
	*f = g
	return nil
}

// parseExponent parses a JSON number in exponent form ("1.5e2") exactly:
// the value it denotes, not the nearest float64, and the same rules as the
// plain form (at most FixedDecimals fractional digits, within range).
func parseExponent(s string) (Fixed, error) {
	mant, exp, _ := strings.Cut(strings.ToLower(s), "e")
	if mant == "" || strings.ContainsAny(mant, "e") {
		return 0, fmt.Errorf("parse decimal %q: not a number", s)
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok || exp == "" {
		return 0, fmt.Errorf("parse decimal %q: not a number", s)
	}
	scaled := new(big.Rat).Mul(r, new(big.Rat).SetInt64(FixedScale))
	if !scaled.IsInt() {
		return 0, fmt.Errorf("parse decimal %q: more than %d fractional digits", s, FixedDecimals)
	}
	n := scaled.Num()
	if !n.IsInt64() {
		return 0, fmt.Errorf("parse decimal %q: %w", s, ErrOverflow)
	}
	return Fixed(n.Int64()), nil
}

// MarshalText and UnmarshalText let Fixed travel as text (database numeric, env vars).
func (f Fixed) MarshalText() ([]byte, error) { return f.AppendText(nil), nil }

// UnmarshalText parses decimal text.
func (f *Fixed) UnmarshalText(b []byte) error {
	g, err := ParseFixed(string(b))
	if err != nil {
		return err
	}
	*f = g
	return nil
}
