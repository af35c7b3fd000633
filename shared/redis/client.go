// Package redis is the go-redis adapter: the connection, the event log that
// carries events from the worker to the SSE relays (streams for history and
// resume, pub/sub for fan-out), and the latest-state keys the API reads.
package redis

import (
	"context"
	"fmt"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// Open parses a redis:// URL and returns a client. It does not dial; use Ping
// to check reachability. Timeouts are bounded so a Redis outage produces
// errors instead of hangs.
func Open(url string) (*goredis.Client, error) {
	opts, err := goredis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("parse REDIS_URL: %w", err)
	}
	if opts.DialTimeout == 0 {
		opts.DialTimeout = 2 * time.Second
	}
	if opts.ReadTimeout == 0 {
		opts.ReadTimeout = 3 * time.Second
	}
	if opts.WriteTimeout == 0 {
		opts.WriteTimeout = 3 * time.Second
	}
	return goredis.NewClient(opts), nil
}

// Ping checks that Redis answers within the context's deadline.
func Ping(ctx context.Context, rdb goredis.UniversalClient) error {
	if err := rdb.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("ping redis: %w", err)
	}
	return nil
}
