package redis

import (
	"github.com/prometheus/client_golang/prometheus"
	goredis "github.com/redis/go-redis/v9"
)

// PoolCollector exports a go-redis client's connection pool statistics,
// read at scrape time.
type PoolCollector struct {
	rdb   *goredis.Client
	descs map[string]*prometheus.Desc
}

// NewPoolCollector returns a collector for rdb's pool.
func NewPoolCollector(rdb *goredis.Client) *PoolCollector {
	d := func(name, help string) *prometheus.Desc {
		return prometheus.NewDesc("autonome_redis_pool_"+name, help, nil, nil)
	}
	return &PoolCollector{rdb: rdb, descs: map[string]*prometheus.Desc{
		"total":    d("connections", "Connections open."),
		"idle":     d("idle_connections", "Connections idle."),
		"hits":     d("hits_total", "Times a free connection was found in the pool."),
		"misses":   d("misses_total", "Times no free connection was in the pool."),
		"timeouts": d("timeouts_total", "Times waiting for a connection timed out."),
		"stale":    d("stale_connections_removed_total", "Stale connections removed from the pool."),
	}}
}

// Describe implements prometheus.Collector.
func (c *PoolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range c.descs {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *PoolCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.rdb.PoolStats()
	g := func(k string, v float64) { ch <- prometheus.MustNewConstMetric(c.descs[k], prometheus.GaugeValue, v) }
	n := func(k string, v float64) { ch <- prometheus.MustNewConstMetric(c.descs[k], prometheus.CounterValue, v) }
	g("total", float64(s.TotalConns))
	g("idle", float64(s.IdleConns))
	n("hits", float64(s.Hits))
	n("misses", float64(s.Misses))
	n("timeouts", float64(s.Timeouts))
	n("stale", float64(s.StaleConns))
}
