// Package credentials seals and opens a model's Lighter API credentials, the
// value stored in "ModelCredentials"."sealedApiKey": AES-256-GCM under a key
// from the worker's environment, with the model id as additional data so a
// sealed value copied to another model does not open. Only the worker opens
// them; the clear key never reaches the database, a log, or a read path.
package credentials

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/autonome-go/autonome/worker/internal/lighter/signer"
)

// Credentials identify one model's account and API key on the venue.
type Credentials struct {
	AccountIndex int64  `json:"accountIndex"`
	APIKeyIndex  uint8  `json:"apiKeyIndex"`
	PrivateKey   string `json:"privateKey"` // the venue's 80-hex-digit form
}

// String never reveals the private key.
func (c Credentials) String() string {
	return fmt.Sprintf("lighter account %d api key %d (key redacted)", c.AccountIndex, c.APIKeyIndex)
}

// GoString keeps %#v from revealing the key too.
func (c Credentials) GoString() string { return c.String() }

// Key parses the private key.
func (c Credentials) Key() (*signer.PrivateKey, error) { return signer.ParsePrivateKey(c.PrivateKey) }

// ErrOpen reports a sealed value that does not open under this key and model.
var ErrOpen = errors.New("credentials: sealed value does not open (wrong key, wrong model, or tampered)")

// Seal encrypts c for modelID under a 32-byte key.
func Seal(key []byte, modelID string, c Credentials) ([]byte, error) {
	if _, err := c.Key(); err != nil {
		return nil, fmt.Errorf("seal credentials: %w", err)
	}
	aead, err := newAEAD(key)
	if err != nil {
		return nil, err
	}
	plain, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("seal credentials: %w", err)
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("seal credentials: %w", err)
	}
	return aead.Seal(nonce, nonce, plain, []byte(modelID)), nil
}

// Open decrypts a sealed value for modelID.
func Open(key []byte, modelID string, sealed []byte) (Credentials, error) {
	aead, err := newAEAD(key)
	if err != nil {
		return Credentials{}, err
	}
	n := aead.NonceSize()
	if len(sealed) < n+aead.Overhead() {
		return Credentials{}, ErrOpen
	}
	plain, err := aead.Open(nil, sealed[:n], sealed[n:], []byte(modelID))
	if err != nil {
		return Credentials{}, ErrOpen
	}
	var c Credentials
	if err := json.Unmarshal(plain, &c); err != nil {
		return Credentials{}, ErrOpen
	}
	return c, nil
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("credentials: sealing key must be 32 bytes, got %d", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("credentials: %w", err)
	}
	return cipher.NewGCM(block)
}
