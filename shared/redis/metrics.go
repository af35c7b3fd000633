package redis

import (
	goredis "github.com/redis/go-redis/v9"

	"github.com/autonome-go/autonome/shared/metrics"
)

var poolSeries = []metrics.PoolSeries{
	{Name: "connections", Help: "Connections open."},
	{Name: "idle_connections", Help: "Connections idle."},
	{Name: "hits_total", Help: "Times a free connection was found in the pool.", Counter: true},
	{Name: "misses_total", Help: "Times no free connection was in the pool.", Counter: true},
	{Name: "timeouts_total", Help: "Times waiting for a connection timed out.", Counter: true},
	{Name: "stale_connections_removed_total", Help: "Stale connections removed from the pool.", Counter: true},
}

// NewPoolCollector returns a collector of rdb's connection pool
// statistics, read at scrape time.
func NewPoolCollector(rdb *goredis.Client) *metrics.PoolCollector {
	return metrics.NewPoolCollector("redis", poolSeries, func() []float64 {
		s := rdb.PoolStats()
		return []float64{float64(s.TotalConns), float64(s.IdleConns), float64(s.Hits), float64(s.Misses),
			float64(s.Timeouts), float64(s.StaleConns)}
	})
}
