package signer

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
)

// PrivateKey is an API private key: a scalar modulo the group order n.
type PrivateKey struct {
	k   *big.Int
	pub PublicKey
}

// PublicKey is the 40-byte encoding w of k*G.
type PublicKey [40]byte

// Signature is s || e, each a 40-byte little-endian scalar.
type Signature [80]byte

// Hash is a 40-byte message hash (an element of GF(p^5), little-endian).
type Hash [40]byte

// ErrBadSignature reports a signature that does not verify.
var ErrBadSignature = errors.New("signer: signature does not verify")

// ParsePrivateKey reads the venue's hex form of an API private key (80 hex
// digits, optionally 0x-prefixed): a 40-byte little-endian scalar, reduced
// modulo n as the venue's signer does.
func ParsePrivateKey(s string) (*PrivateKey, error) {
	if len(s) >= 2 && (s[:2] == "0x" || s[:2] == "0X") {
		s = s[2:]
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("private key: %w", err)
	}
	if len(b) != 40 {
		return nil, fmt.Errorf("private key: want 40 bytes, got %d", len(b))
	}
	k := new(big.Int).Mod(leToInt(b), order)
	if k.Sign() == 0 {
		return nil, errors.New("private key: zero")
	}
	return newPrivateKey(k), nil
}

// GenerateKey returns a fresh random private key.
func GenerateKey() (*PrivateKey, error) {
	k, err := randomScalar()
	if err != nil {
		return nil, err
	}
	return newPrivateKey(k), nil
}

func newPrivateKey(k *big.Int) *PrivateKey {
	return &PrivateKey{k: k, pub: PublicKey(generator.mul(k).encode().bytes())}
}

// Public returns the key's public key.
func (p *PrivateKey) Public() PublicKey { return p.pub }

// Hex returns the venue's hex form of the private key.
func (p *PrivateKey) Hex() string {
	b := intToLE40(p.k)
	return hex.EncodeToString(b[:])
}

// String never reveals the key.
func (p *PrivateKey) String() string { return "signer.PrivateKey(redacted)" }

// Sign signs a message hash with a fresh random nonce.
func (p *PrivateKey) Sign(msg Hash) (Signature, error) {
	k, err := randomScalar()
	if err != nil {
		return Signature{}, err
	}
	return p.SignWithNonce(msg, k)
}

// SignWithNonce signs with the given nonce k (1 <= k < n): r = k*G,
// e = H(enc(r) || msg) mod n, s = k - e*sk mod n. Reusing a nonce reveals the
// key; it exists for deterministic tests.
func (p *PrivateKey) SignWithNonce(msg Hash, k *big.Int) (Signature, error) {
	m, err := fp5FromBytes(msg[:])
	if err != nil {
		return Signature{}, fmt.Errorf("sign: %w", err)
	}
	r := generator.mul(k).encode()
	e := challenge(r, m)
	s := new(big.Int).Mul(e, p.k)
	s.Sub(k, s).Mod(s, order)
	var sig Signature
	sb, eb := intToLE40(s), intToLE40(e)
	copy(sig[:40], sb[:])
	copy(sig[40:], eb[:])
	return sig, nil
}

// Verify checks sig on msg under pub: e == H(enc(s*G + e*pub) || msg) mod n.
func Verify(pub PublicKey, msg Hash, sig Signature) error {
	w, err := fp5FromBytes(pub[:])
	if err != nil {
		return fmt.Errorf("verify: public key: %w", err)
	}
	q, ok := decodePoint(w)
	if !ok {
		return errors.New("verify: public key is not a curve point")
	}
	m, err := fp5FromBytes(msg[:])
	if err != nil {
		return fmt.Errorf("verify: message: %w", err)
	}
	s, e := leToInt(sig[:40]), leToInt(sig[40:])
	if s.Cmp(order) >= 0 || e.Cmp(order) >= 0 {
		return ErrBadSignature
	}
	rv := mulAdd2(generator, s, q, e).encode()
	if challenge(rv, m).Cmp(e) != 0 {
		return ErrBadSignature
	}
	return nil
}

// challenge is e = Poseidon2(r || msg) read as a 320-bit integer mod n.
func challenge(r, msg fp5) *big.Int {
	in := make([]felt, 0, 10)
	in = append(in, r[:]...)
	in = append(in, msg[:]...)
	h := hashToFp5(in).bytes()
	return new(big.Int).Mod(leToInt(h[:]), order)
}

func randomScalar() (*big.Int, error) {
	for {
		k, err := rand.Int(rand.Reader, order)
		if err != nil {
			return nil, fmt.Errorf("random scalar: %w", err)
		}
		if k.Sign() != 0 {
			return k, nil
		}
	}
}

func leToInt(b []byte) *big.Int {
	be := make([]byte, len(b))
	for i, c := range b {
		be[len(b)-1-i] = c
	}
	return new(big.Int).SetBytes(be)
}

func intToLE40(x *big.Int) (out [40]byte) {
	var be [40]byte
	x.FillBytes(be[:])
	for i, c := range be {
		out[39-i] = c
	}
	return out
}
