package postgres

import (
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
)

// PoolCollector exports a pgx pool's statistics, read at scrape time.
type PoolCollector struct {
	pool  *pgxpool.Pool
	descs map[string]*prometheus.Desc
}

// NewPoolCollector returns a collector for pool; register it on the
// binary's registry.
func NewPoolCollector(pool *pgxpool.Pool) *PoolCollector {
	d := func(name, help string) *prometheus.Desc {
		return prometheus.NewDesc("autonome_postgres_pool_"+name, help, nil, nil)
	}
	return &PoolCollector{pool: pool, descs: map[string]*prometheus.Desc{
		"max":       d("max_connections", "Most connections the pool may open."),
		"total":     d("connections", "Connections open."),
		"acquired":  d("acquired_connections", "Connections in use."),
		"idle":      d("idle_connections", "Connections idle."),
		"acquires":  d("acquires_total", "Connections acquired from the pool."),
		"empty":     d("empty_acquires_total", "Acquires that had to wait because no connection was idle."),
		"cancelled": d("canceled_acquires_total", "Acquires cancelled by their context."),
		"wait":      d("acquire_wait_seconds_total", "Time spent waiting to acquire connections."),
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
	s := c.pool.Stat()
	g := func(k string, v float64) { ch <- prometheus.MustNewConstMetric(c.descs[k], prometheus.GaugeValue, v) }
	n := func(k string, v float64) { ch <- prometheus.MustNewConstMetric(c.descs[k], prometheus.CounterValue, v) }
	g("max", float64(s.MaxConns()))
	g("total", float64(s.TotalConns()))
	g("acquired", float64(s.AcquiredConns()))
	g("idle", float64(s.IdleConns()))
	n("acquires", float64(s.AcquireCount()))
	n("empty", float64(s.EmptyAcquireCount()))
	n("cancelled", float64(s.CanceledAcquireCount()))
	n("wait", s.AcquireDuration().Seconds())
}
