package relay

import (
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/metrics"
)

// counters are what the relay counts for its metrics; the hot path only
// adds to atomics (one per client write, on the shard's own counter).
type counters struct {
	streams atomic.Uint64 // streams opened
	resumed atomic.Uint64 // streams opened with a valid Last-Event-ID
	resets  atomic.Uint64 // reset events sent (resume point outside the history)
	slowOut atomic.Uint64 // events written by streams in slow mode
	lag     prometheus.Histogram
}

func newCounters() counters {
	return counters{lag: prometheus.NewHistogram(prometheus.HistogramOpts{
		Namespace: metrics.Namespace, Name: "sse_publish_to_write_seconds",
		Help:    "From an event's append to the Redis stream (its id) to the relay's write of it, observed once per shard fan-out.",
		Buckets: metrics.LatencyBuckets,
	})}
}

// observeLag records the lag of the newest event id written just now.
func (c *counters) observeLag(id string, now time.Time) {
	if ms, _, ok := arena.ParseEventID(id); ok {
		c.lag.Observe(max(0, now.Sub(time.UnixMilli(int64(ms))).Seconds()))
	}
}

var (
	sseClientsDesc   = desc("sse_clients", "Event streams open now.")
	sseStreamsDesc   = desc("sse_streams_total", "Event streams opened.")
	sseResumedDesc   = desc("sse_resumed_total", "Event streams opened with a Last-Event-ID the relay could resume from or repair.")
	sseResetsDesc    = desc("sse_resets_total", "Reset events sent: the client's resume point was outside the history, so it got a snapshot.")
	sseEvictedDesc   = desc("sse_evicted_total", "Clients disconnected for falling behind.")
	sseRejectedDesc  = desc("sse_rejected_total", "Stream requests refused by the connection limits.")
	sseDeliveredDesc = desc("sse_events_delivered_total", "Events written to clients (each client's copy counts).")
)

func desc(name, help string) *prometheus.Desc {
	return prometheus.NewDesc(metrics.Namespace+"_"+name, help, nil, nil)
}

// Collector exports the relay's series; register it on the binary's
// registry. It reads counters at scrape time.
func (s *Server) Collector() prometheus.Collector { return serverCollector{s} }

type serverCollector struct{ s *Server }

func (c serverCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{sseClientsDesc, sseStreamsDesc, sseResumedDesc, sseResetsDesc, sseEvictedDesc, sseRejectedDesc, sseDeliveredDesc} {
		ch <- d
	}
	c.s.counters.lag.Describe(ch)
}

func (c serverCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.s
	st := s.Stats()
	n := func(d *prometheus.Desc, v float64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v)
	}
	ch <- prometheus.MustNewConstMetric(sseClientsDesc, prometheus.GaugeValue, float64(st.Clients))
	n(sseStreamsDesc, float64(s.counters.streams.Load()))
	n(sseResumedDesc, float64(s.counters.resumed.Load()))
	n(sseResetsDesc, float64(s.counters.resets.Load()))
	n(sseEvictedDesc, float64(st.Evicted))
	n(sseRejectedDesc, float64(st.Rejected))
	n(sseDeliveredDesc, float64(s.delivered()))
	s.counters.lag.Collect(ch)
}

// delivered sums the events written by every shard and by slow streams.
func (s *Server) delivered() uint64 {
	total := s.counters.slowOut.Load()
	for _, h := range s.hubs {
		for _, sh := range h.shards {
			total += sh.written.Load()
		}
	}
	return total
}
