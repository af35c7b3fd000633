package testenv

import (
	"context"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/autonome-go/autonome/shared/redis"
)

// RedisURL returns the URL of the Redis the tests use.
func RedisURL() string {
	if u := env("TEST_REDIS_URL", "REDIS_URL"); u != "" {
		return u
	}
	return "redis://127.0.0.1:6379/0"
}

// Redis returns a client to the test Redis and a key prefix unique to this
// test; keys under the prefix are deleted when the test ends. Tests share one
// Redis, so every key a test writes must start with the prefix.
func Redis(t testing.TB) (*goredis.Client, string) {
	t.Helper()
	rdb, err := redis.Open(RedisURL())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := redis.Ping(ctx, rdb); err != nil {
		_ = rdb.Close()
		unavailable(t, "Redis at "+RedisURL(), err)
	}
	prefix := UniqueName("test:") + ":"
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		iter := rdb.Scan(ctx, 0, prefix+"*", 500).Iterator()
		for iter.Next(ctx) {
			rdb.Del(ctx, iter.Val())
		}
		_ = rdb.Close()
	})
	return rdb, prefix
}
