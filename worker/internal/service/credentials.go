package service

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/autonome-go/autonome/shared/config"
	"github.com/autonome-go/autonome/shared/postgres"
	"github.com/autonome-go/autonome/worker/internal/lighter/credentials"
)

// credentialsInput is what `worker credentials NAME VARIANT` reads from
// stdin: {"accountIndex": 123, "apiKeyIndex": 3, "privateKey": "<80 hex>"}
// (apiKeyIndex defaults to LIGHTER_API_KEY_INDEX).
type credentialsInput struct {
	AccountIndex *int64 `json:"accountIndex"`
	APIKeyIndex  *uint8 `json:"apiKeyIndex"`
	PrivateKey   string `json:"privateKey"`
}

// StoreCredentials seals a seat's Lighter credentials read from in under
// SECRETS_KEY and stores them in "ModelCredentials". It prints the public
// key derived from the private key (never the private key), to compare with
// the one the venue shows for that API key.
func StoreCredentials(ctx context.Context, cfg config.Worker, pool *pgxpool.Pool, args []string, in io.Reader, out io.Writer) error {
	if len(args) != 2 {
		return errors.New(`usage: worker credentials NAME VARIANT < {"accountIndex": N, "apiKeyIndex": N, "privateKey": "..."}`)
	}
	key, err := base64.StdEncoding.DecodeString(cfg.SecretsKey)
	if err != nil || len(key) != 32 {
		return errors.New("SECRETS_KEY must be a base64 32-byte key (e.g. `openssl rand -base64 32`)")
	}
	var ci credentialsInput
	dec := json.NewDecoder(io.LimitReader(in, 4096))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ci); err != nil || ci.AccountIndex == nil || ci.PrivateKey == "" {
		return fmt.Errorf(`credentials: stdin must be {"accountIndex": N, "apiKeyIndex": N, "privateKey": "..."} (%v)`, err)
	}
	c := credentials.Credentials{AccountIndex: *ci.AccountIndex, APIKeyIndex: uint8(cfg.LighterAPIKeyIndex), PrivateKey: ci.PrivateKey}
	if ci.APIKeyIndex != nil {
		c.APIKeyIndex = *ci.APIKeyIndex
	}
	pk, err := c.Key()
	if err != nil {
		return fmt.Errorf("credentials: %w", err)
	}
	models, err := postgres.NewAgents(pool).AgentModels(ctx)
	if err != nil {
		return err
	}
	m, ok := findSeat(models, args[0]+"/"+args[1])
	if !ok {
		return fmt.Errorf("no active seat %s/%s (see `worker models`)", args[0], args[1])
	}
	sealed, err := credentials.Seal(key, m.ID, c)
	if err != nil {
		return err
	}
	if err := postgres.SaveCredentials(ctx, pool, m.ID, sealed); err != nil {
		return err
	}
	pub := pk.Public()
	_, err = fmt.Fprintf(out, "stored %s for %s/%s (model %s)\npublic key %s: check that the venue shows this key for API key %d\n",
		c, m.Name, m.Variant, m.ID, hex.EncodeToString(pub[:]), c.APIKeyIndex)
	return err
}
