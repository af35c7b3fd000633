package redis

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	goredis "github.com/redis/go-redis/v9"

	"github.com/autonome-go/autonome/shared/arena"
)

// Marks is the latest price per symbol, written by the worker on every feed
// update and read by the stateless API. One hash holds all symbols, so a read
// is one round trip.
type Marks struct {
	rdb goredis.UniversalClient
	key string
}

// NewMarks returns the marks store under prefix ("" in production; tests pass
// their unique prefix).
func NewMarks(rdb goredis.UniversalClient, prefix string) *Marks {
	return &Marks{rdb: rdb, key: prefix + "arena:marks"}
}

// Set stores prices, replacing the previous value of each symbol.
func (m *Marks) Set(ctx context.Context, prices []arena.Price) error {
	if len(prices) == 0 {
		return nil
	}
	fields := make([]any, 0, 2*len(prices))
	for _, p := range prices {
		b, err := json.Marshal(p)
		if err != nil {
			return fmt.Errorf("encode mark %s: %w", p.Symbol, err)
		}
		fields = append(fields, string(p.Symbol), b)
	}
	if err := m.rdb.HSet(ctx, m.key, fields...).Err(); err != nil {
		return fmt.Errorf("store marks: %w", err)
	}
	return nil
}

// All returns every symbol's latest price, sorted by symbol. A symbol never
// written is absent.
func (m *Marks) All(ctx context.Context) ([]arena.Price, error) {
	vals, err := m.rdb.HGetAll(ctx, m.key).Result()
	if err != nil {
		return nil, fmt.Errorf("read marks: %w", err)
	}
	out := make([]arena.Price, 0, len(vals))
	for sym, raw := range vals {
		var p arena.Price
		if err := json.Unmarshal([]byte(raw), &p); err != nil {
			return nil, fmt.Errorf("decode mark %s: %w", sym, err)
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Symbol < out[j].Symbol })
	return out, nil
}
