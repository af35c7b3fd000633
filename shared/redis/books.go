package redis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	goredis "github.com/redis/go-redis/v9"

	"github.com/autonome-go/autonome/shared/arena"
)

// Books is the latest venue order book per symbol (its best levels), written
// by the worker's ticker and read by the stateless API's
// simulator.getOrderBook. Like the marks, one hash holds every symbol; each
// value is a full snapshot (arena.BookUpdate with Snapshot set).
type Books struct {
	rdb goredis.UniversalClient
	key string
}

// NewBooks returns the books store under prefix ("" in production; tests pass
// their unique prefix).
func NewBooks(rdb goredis.UniversalClient, prefix string) *Books {
	return &Books{rdb: rdb, key: prefix + "arena:books"}
}

// Set stores books, replacing the previous book of each symbol.
func (b *Books) Set(ctx context.Context, books []arena.BookUpdate) error {
	if len(books) == 0 {
		return nil
	}
	fields := make([]any, 0, 2*len(books))
	for _, bk := range books {
		bk.Snapshot = true
		raw, err := json.Marshal(bk)
		if err != nil {
			return fmt.Errorf("encode book %s: %w", bk.Symbol, err)
		}
		fields = append(fields, string(bk.Symbol), raw)
	}
	if err := b.rdb.HSet(ctx, b.key, fields...).Err(); err != nil {
		return fmt.Errorf("store books: %w", err)
	}
	return nil
}

// Get returns the latest book of sym; ok is false when none was ever written.
func (b *Books) Get(ctx context.Context, sym arena.Symbol) (book arena.BookUpdate, ok bool, err error) {
	raw, err := b.rdb.HGet(ctx, b.key, string(sym)).Bytes()
	if errors.Is(err, goredis.Nil) {
		return arena.BookUpdate{}, false, nil
	}
	if err != nil {
		return arena.BookUpdate{}, false, fmt.Errorf("read book %s: %w", sym, err)
	}
	if err := json.Unmarshal(raw, &book); err != nil {
		return arena.BookUpdate{}, false, fmt.Errorf("decode book %s: %w", sym, err)
	}
	return book, true, nil
}
