package signer

import (
	"encoding/binary"
	"fmt"
)

// fp5 is an element of GF(p^5) = GF(p)[z]/(z^5 - 3): a0 + a1 z + ... + a4 z^4.
type fp5 [5]felt

var (
	fp5Zero = fp5{}
	fp5One  = fp5{1}
	// frobCoeff[i] = (3^((p-1)/5))^i: z^p = z * 3^((p-1)/5).
	frobCoeff = func() (c [5]felt) {
		d := felt(3).exp((modP - 1) / 5)
		c[0] = 1
		for i := 1; i < 5; i++ {
			c[i] = c[i-1].mul(d)
		}
		return c
	}()
)

func (a fp5) add(b fp5) (c fp5) {
	for i := range c {
		c[i] = a[i].add(b[i])
	}
	return c
}

func (a fp5) sub(b fp5) (c fp5) {
	for i := range c {
		c[i] = a[i].sub(b[i])
	}
	return c
}

func (a fp5) neg() fp5 { return fp5Zero.sub(a) }

func (a fp5) mulFelt(k felt) (c fp5) {
	for i := range c {
		c[i] = a[i].mul(k)
	}
	return c
}

func (a fp5) mul(b fp5) (c fp5) {
	for i := 0; i < 5; i++ {
		var lo, hi felt // lo: terms of z^i; hi: terms of z^(i+5) = 3 z^i
		for j := 0; j <= i; j++ {
			lo = lo.add(a[j].mul(b[i-j]))
		}
		for j := i + 1; j < 5; j++ {
			hi = hi.add(a[j].mul(b[i+5-j]))
		}
		c[i] = lo.add(hi.mul(3))
	}
	return c
}

func (a fp5) square() fp5 { return a.mul(a) }

func (a fp5) isZero() bool { return a == fp5Zero }

// frob raises a to the power p.
func (a fp5) frob() (c fp5) {
	for i := range c {
		c[i] = a[i].mul(frobCoeff[i])
	}
	return c
}

// norm returns a^(1+p+p^2+p^3+p^4) (an element of GF(p)) and a^(p+...+p^4).
func (a fp5) norm() (felt, fp5) {
	t0 := a.frob()                 // a^p
	t1 := t0.mul(t0.frob())        // a^(p+p^2)
	t2 := t1.mul(t1.frob().frob()) // a^(p+p^2+p^3+p^4)
	n := a[0].mul(t2[0])           // only the constant term survives
	n = n.add(a[1].mul(t2[4]).add(a[2].mul(t2[3])).add(a[3].mul(t2[2])).add(a[4].mul(t2[1])).mul(3))
	return n, t2
}

// inverse returns 1/a, or 0 for a = 0.
func (a fp5) inverse() fp5 {
	n, t := a.norm()
	return t.mulFelt(n.inverse())
}

// legendre returns 1, p-1 or 0 like felt.legendre: a is a square in GF(p^5)
// exactly when its norm is a square in GF(p).
func (a fp5) legendre() felt {
	n, _ := a.norm()
	return n.legendre()
}

// sqrt returns a square root of a, or false when a is not a square. It uses
// sqrt(a) = sqrt(a^r) / a^((r-1)/2) with r = 1+p+...+p^4, (r-1)/2 =
// p(1+p^2)(p+1)/2.
func (a fp5) sqrt() (fp5, bool) {
	if a.isZero() {
		return fp5Zero, true
	}
	d := a.exp((modP + 1) / 2)
	e := d.mul(d.frob().frob()).frob() // a^((r-1)/2)
	f := e.square()
	g := a.mul(f)[0] // a^r, in GF(p)
	s, ok := g.sqrt()
	if !ok {
		return fp5Zero, false
	}
	return e.inverse().mulFelt(s), true
}

func (a fp5) exp(e uint64) fp5 {
	r := fp5One
	for ; e > 0; e >>= 1 {
		if e&1 == 1 {
			r = r.mul(a)
		}
		a = a.square()
	}
	return r
}

// bytes returns the 40-byte little-endian encoding a0 || a1 || ... || a4.
func (a fp5) bytes() (b [40]byte) {
	for i, x := range a {
		binary.LittleEndian.PutUint64(b[8*i:], uint64(x))
	}
	return b
}

// fp5FromBytes decodes 40 bytes, rejecting limbs that are not below p.
func fp5FromBytes(b []byte) (fp5, error) {
	var a fp5
	if len(b) != 40 {
		return a, fmt.Errorf("field element: want 40 bytes, got %d", len(b))
	}
	for i := range a {
		v := binary.LittleEndian.Uint64(b[8*i:])
		if v >= modP {
			return a, fmt.Errorf("field element: limb %d is not below p", i)
		}
		a[i] = felt(v)
	}
	return a, nil
}
