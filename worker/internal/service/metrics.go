package service

import (
	"net/http"

	"github.com/hibiken/asynq"
	asynqmetrics "github.com/hibiken/asynq/x/metrics"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	goredis "github.com/redis/go-redis/v9"

	"github.com/autonome-go/autonome/shared/metrics"
	"github.com/autonome-go/autonome/shared/postgres"
	"github.com/autonome-go/autonome/shared/redis"
	"github.com/autonome-go/autonome/worker/internal/jobs"
	"github.com/autonome-go/autonome/worker/internal/lighter/live"
	"github.com/autonome-go/autonome/worker/internal/simulator"
)

// telemetry is the worker's Prometheus registry and the series of its
// parts. It lives as long as the process: the parts that start again after
// a database outage keep counting into the same series.
type telemetry struct {
	reg  *prometheus.Registry
	sim  *simulator.Metrics
	feed *feedMetrics
	jobs *jobs.Metrics
	// mismatch counts live reconciliation mismatches (none in simulated mode).
	mismatch func(int64, []live.Diff)
}

func newTelemetry() *telemetry {
	reg := metrics.NewRegistry()
	return &telemetry{reg: reg, sim: simulator.NewMetrics(reg), feed: newFeedMetrics(reg), jobs: jobs.NewMetrics(reg),
		mismatch: live.MismatchCounter(reg)}
}

// attach registers the collectors that read one run's connections (pool
// statistics, asynq's queues) and returns the function that removes them.
func (t *telemetry) attach(pool *pgxpool.Pool, rdb *goredis.Client) func() {
	cs := []prometheus.Collector{postgres.NewPoolCollector(pool), redis.NewPoolCollector(rdb),
		asynqmetrics.NewQueueMetricsCollector(asynq.NewInspectorFromRedisClient(rdb))}
	for _, c := range cs {
		t.reg.MustRegister(c)
	}
	return func() {
		for _, c := range cs {
			t.reg.Unregister(c)
		}
	}
}

// handler serves the series, behind token when it is set.
func (t *telemetry) handler(token string) http.Handler { return metrics.Handler(t.reg, token) }
