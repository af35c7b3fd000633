package postgres

import (
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/autonome-go/autonome/shared/metrics"
)

var poolSeries = []metrics.PoolSeries{
	{Name: "max_connections", Help: "Most connections the pool may open."},
	{Name: "connections", Help: "Connections open."},
	{Name: "acquired_connections", Help: "Connections in use."},
	{Name: "idle_connections", Help: "Connections idle."},
	{Name: "acquires_total", Help: "Connections acquired from the pool.", Counter: true},
	{Name: "empty_acquires_total", Help: "Acquires that had to wait because no connection was idle.", Counter: true},
	{Name: "canceled_acquires_total", Help: "Acquires cancelled by their context.", Counter: true},
	{Name: "acquire_wait_seconds_total", Help: "Time spent waiting to acquire connections.", Counter: true},
}

// NewPoolCollector returns a collector of pool's statistics, read at
// scrape time; register it on the binary's registry.
func NewPoolCollector(pool *pgxpool.Pool) *metrics.PoolCollector {
	return metrics.NewPoolCollector("postgres", poolSeries, func() []float64 {
		s := pool.Stat()
		return []float64{float64(s.MaxConns()), float64(s.TotalConns()), float64(s.AcquiredConns()), float64(s.IdleConns()),
			float64(s.AcquireCount()), float64(s.EmptyAcquireCount()), float64(s.CanceledAcquireCount()), s.AcquireDuration().Seconds()}
	})
}
