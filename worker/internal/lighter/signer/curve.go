package signer

import "math/big"

// The curve ECgFp5 is y^2 = x(x^2 + a x + b) over GF(p^5) with a = 2,
// b = 263 z. Its group of points P+N (N = (0,0), P of prime order n) is
// encoded injectively by w = y/x (the neutral N by w = 0). Arithmetic is done
// on the isomorphic short Weierstrass curve Y^2 = X^3 + A X + B, with
// A = (3b - a^2)/3 and B = a(2a^2 - 9b)/27, where encoding is
// w = Y / (a/3 - X) and the neutral is the point at infinity.
var (
	curveA  = fp5{2}
	curveB  = fp5{0, 263}
	aDiv3   = curveA.mulFelt(felt(3).inverse())
	weierA  = curveB.mulFelt(3).sub(curveA.square()).mulFelt(felt(3).inverse())
	oneHalf = felt(2).inverse()

	// generator is the point encoded as w = 4, the venue's base point.
	generator, _ = decodePoint(fp5{4})

	// order is the prime order n of the group (319 bits).
	order, _ = new(big.Int).SetString("1067993516717146951041484916571792702745057740581727230159139685185762082554198619328292418486241", 10)
)

// point is an affine point of the Weierstrass curve, or the point at infinity.
type point struct {
	x, y fp5
	inf  bool
}

var infinity = point{inf: true}

// encode returns w, the 40-byte public form of the point.
func (p point) encode() fp5 {
	if p.inf {
		return fp5Zero
	}
	return p.y.mul(aDiv3.sub(p.x).inverse())
}

// decodePoint inverts encode; it fails for w that no point encodes to.
func decodePoint(w fp5) (point, bool) {
	if w.isZero() {
		return infinity, true
	}
	e := w.square().sub(curveA)
	delta := e.square().sub(curveB.mulFelt(4))
	r, ok := delta.sqrt()
	if !ok {
		return point{}, false
	}
	x1 := e.add(r).mulFelt(oneHalf)
	x2 := e.sub(r).mulFelt(oneHalf)
	// Of the two roots keep the square one: with y = -w x this yields the
	// Weierstrass image of the encoded group element directly.
	x := x2
	if x1.legendre() == 1 {
		x = x1
	}
	return point{x: x.add(aDiv3), y: w.mul(x).neg()}, true
}

func (p point) add(q point) point {
	switch {
	case p.inf:
		return q
	case q.inf:
		return p
	case p.x == q.x:
		if p.y == q.y {
			return p.double()
		}
		return infinity
	}
	l := q.y.sub(p.y).mul(q.x.sub(p.x).inverse())
	return p.chord(q, l)
}

func (p point) double() point {
	if p.inf || p.y.isZero() {
		return infinity
	}
	l := p.x.square().mulFelt(3).add(weierA).mul(p.y.add(p.y).inverse())
	return p.chord(p, l)
}

// chord returns the third intersection, negated, of the line of slope l.
func (p point) chord(q point, l fp5) point {
	x := l.square().sub(p.x).sub(q.x)
	y := l.mul(p.x.sub(x)).sub(p.y)
	return point{x: x, y: y}
}

// mul returns k*p by double-and-add (k is reduced modulo n first).
func (p point) mul(k *big.Int) point {
	k = new(big.Int).Mod(k, order)
	r := infinity
	for i := k.BitLen() - 1; i >= 0; i-- {
		r = r.double()
		if k.Bit(i) == 1 {
			r = r.add(p)
		}
	}
	return r
}

// mulAdd2 returns a*p + b*q with one shared doubling chain.
func mulAdd2(p point, a *big.Int, q point, b *big.Int) point {
	a = new(big.Int).Mod(a, order)
	b = new(big.Int).Mod(b, order)
	pq := p.add(q)
	r := infinity
	for i := max(a.BitLen(), b.BitLen()) - 1; i >= 0; i-- {
		r = r.double()
		switch a.Bit(i)<<1 | b.Bit(i) {
		case 3:
			r = r.add(pq)
		case 2:
			r = r.add(p)
		case 1:
			r = r.add(q)
		}
	}
	return r
}
