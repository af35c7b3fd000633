package metrics

import "github.com/prometheus/client_golang/prometheus"

// PoolSeries is one series of a connection pool's statistics:
// autonome_<pool>_pool_<Name>, a gauge or, when Counter, a counter.
type PoolSeries struct {
	Name, Help string
	Counter    bool
}

// PoolCollector exports a connection pool's statistics, read once per
// scrape, so the figures of one scrape are consistent with each other.
type PoolCollector struct {
	series []PoolSeries
	descs  []*prometheus.Desc
	read   func() []float64
}

// NewPoolCollector returns a collector of series for the pool named pool
// ("postgres", "redis"); read returns their values, in the same order.
func NewPoolCollector(pool string, series []PoolSeries, read func() []float64) *PoolCollector {
	c := &PoolCollector{series: series, read: read}
	for _, s := range series {
		c.descs = append(c.descs, prometheus.NewDesc(Namespace+"_"+pool+"_pool_"+s.Name, s.Help, nil, nil))
	}
	return c
}

// Describe implements prometheus.Collector.
func (c *PoolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range c.descs {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *PoolCollector) Collect(ch chan<- prometheus.Metric) {
	for i, v := range c.read() {
		kind := prometheus.GaugeValue
		if c.series[i].Counter {
			kind = prometheus.CounterValue
		}
		ch <- prometheus.MustNewConstMetric(c.descs[i], kind, v)
	}
}
