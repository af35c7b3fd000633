package metrics

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

// Series makes the arena's series in Namespace and registers each on the
// registry as it is made (promauto.With), so a part's series are declared
// once each, with their help text, and registering twice panics at start.
type Series struct{ f promauto.Factory }

// NewSeries returns a Series registering on reg.
func NewSeries(reg prometheus.Registerer) Series { return Series{f: promauto.With(reg)} }

// Counter is a counter without labels.
func (s Series) Counter(name, help string) prometheus.Counter {
	return s.f.NewCounter(prometheus.CounterOpts{Namespace: Namespace, Name: name, Help: help})
}

// CounterVec is a counter with labels.
func (s Series) CounterVec(name, help string, labels ...string) *prometheus.CounterVec {
	return s.f.NewCounterVec(prometheus.CounterOpts{Namespace: Namespace, Name: name, Help: help}, labels)
}

// Gauge is a gauge without labels.
func (s Series) Gauge(name, help string) prometheus.Gauge {
	return s.f.NewGauge(prometheus.GaugeOpts{Namespace: Namespace, Name: name, Help: help})
}

// Latency is a histogram of seconds in LatencyBuckets, with labels.
func (s Series) Latency(name, help string, labels ...string) *prometheus.HistogramVec {
	return s.f.NewHistogramVec(prometheus.HistogramOpts{Namespace: Namespace, Name: name, Help: help, Buckets: LatencyBuckets}, labels)
}
