package signer

import "math/bits"

// modP is the Goldilocks prime 2^64 - 2^32 + 1.
const modP uint64 = 0xFFFFFFFF00000001

// epsilon is 2^64 mod p = 2^32 - 1.
const epsilon uint64 = 0xFFFFFFFF

// felt is an element of GF(p), always kept canonical (< p).
type felt uint64

func newFelt(v uint64) felt {
	if v >= modP {
		v -= modP
	}
	return felt(v)
}

func (a felt) add(b felt) felt {
	s, c := bits.Add64(uint64(a), uint64(b), 0)
	if c != 0 {
		s += epsilon
	}
	return newFelt(s)
}

func (a felt) sub(b felt) felt {
	d, br := bits.Sub64(uint64(a), uint64(b), 0)
	if br != 0 {
		d -= epsilon
	}
	return felt(d)
}

func (a felt) mul(b felt) felt {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	return reduce128(hi, lo)
}

func (a felt) square() felt { return a.mul(a) }

// reduce128 reduces hi*2^64 + lo modulo p using 2^64 = 2^32 - 1 and
// 2^96 = -1 (mod p).
func reduce128(hi, lo uint64) felt {
	hiHi, hiLo := hi>>32, hi&epsilon
	t0, br := bits.Sub64(lo, hiHi, 0)
	if br != 0 {
		t0 -= epsilon
	}
	t1 := hiLo * epsilon
	s, c := bits.Add64(t0, t1, 0)
	if c != 0 {
		s += epsilon
	}
	return newFelt(s)
}

func (a felt) exp(e uint64) felt {
	r := felt(1)
	for ; e > 0; e >>= 1 {
		if e&1 == 1 {
			r = r.mul(a)
		}
		a = a.square()
	}
	return r
}

// inverse returns 1/a, or 0 for a = 0.
func (a felt) inverse() felt { return a.exp(modP - 2) }

// legendre returns 1 for a non-zero square, p-1 for a non-square, 0 for 0.
func (a felt) legendre() felt { return a.exp((modP - 1) / 2) }

// sqrt returns a square root of a and true, or 0 and false for a non-square
// (Tonelli-Shanks; p - 1 = (2^32 - 1) * 2^32, and 7 is a non-residue).
func (a felt) sqrt() (felt, bool) {
	if a == 0 {
		return 0, true
	}
	if a.legendre() != 1 {
		return 0, false
	}
	const q = uint64(0xFFFFFFFF)
	m := 32
	c := felt(7).exp(q)
	t := a.exp(q)
	r := a.exp((q + 1) / 2)
	for t != 1 {
		i, tt := 0, t
		for tt != 1 {
			tt = tt.square()
			i++
		}
		b := c
		for j := 0; j < m-i-1; j++ {
			b = b.square()
		}
		m, c = i, b.square()
		t, r = t.mul(c), r.mul(b)
	}
	return r, true
}
