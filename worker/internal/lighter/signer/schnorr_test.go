package signer

import (
	"math/big"
	"strings"
	"testing"
)

func TestSignVerifyRoundTrip(t *testing.T) {
	key, err := GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	msg := Hash(hashToFp5([]felt{1, 2, 3}).bytes())
	sig, err := key.Sign(msg)
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(key.Public(), msg, sig); err != nil {
		t.Fatalf("own signature rejected: %v", err)
	}
	other := msg
	other[0] ^= 1
	if err := Verify(key.Public(), other, sig); err == nil {
		t.Fatal("signature verified for another message")
	}
	bad := sig
	bad[3] ^= 1
	if err := Verify(key.Public(), msg, bad); err == nil {
		t.Fatal("tampered signature verified")
	}
	k2, _ := GenerateKey()
	if err := Verify(k2.Public(), msg, sig); err == nil {
		t.Fatal("signature verified under another key")
	}
}

func TestSignWithNonceIsDeterministic(t *testing.T) {
	key, err := ParsePrivateKey("0x01" + strings.Repeat("00", 39))
	if err != nil {
		t.Fatal(err)
	}
	msg := Hash(hashToFp5([]felt{7}).bytes())
	a, _ := key.SignWithNonce(msg, big.NewInt(12345))
	b, _ := key.SignWithNonce(msg, big.NewInt(12345))
	if a != b {
		t.Fatal("same nonce gave different signatures")
	}
	if err := Verify(key.Public(), msg, a); err != nil {
		t.Fatal(err)
	}
}
