package credentials

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/autonome-go/autonome/worker/internal/lighter/signer"
)

func TestSealOpen(t *testing.T) {
	key := bytes.Repeat([]byte{7}, 32)
	sk, _ := signer.GenerateKey()
	c := Credentials{AccountIndex: 99, APIKeyIndex: 4, PrivateKey: sk.Hex()}
	sealed, err := Seal(key, "m-1", c)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, []byte(sk.Hex())) {
		t.Fatal("sealed value contains the clear key")
	}
	got, err := Open(key, "m-1", sealed)
	if err != nil || got != c {
		t.Fatalf("open = %v, %v", got, err)
	}
	k, err := got.Key()
	if err != nil || k.Public() != sk.Public() {
		t.Fatalf("key does not round-trip: %v", err)
	}
	other := bytes.Repeat([]byte{8}, 32)
	tampered := bytes.Clone(sealed)
	tampered[len(tampered)-1] ^= 1
	for name, f := range map[string]func() error{
		"wrong key":   func() error { _, err := Open(other, "m-1", sealed); return err },
		"wrong model": func() error { _, err := Open(key, "m-2", sealed); return err },
		"tampered":    func() error { _, err := Open(key, "m-1", tampered); return err },
		"short":       func() error { _, err := Open(key, "m-1", sealed[:5]); return err },
	} {
		if err := f(); !errors.Is(err, ErrOpen) {
			t.Errorf("%s: %v", name, err)
		}
	}
	for _, s := range []string{c.String(), fmt.Sprintf("%v %+v %#v", c, c, c)} {
		if strings.Contains(s, sk.Hex()) {
			t.Fatalf("formatting reveals the key: %s", s)
		}
	}
	if _, err := Seal(key, "m-1", Credentials{PrivateKey: "zz"}); err == nil {
		t.Fatal("sealed an unparseable key")
	}
}
