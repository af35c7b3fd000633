package service

import (
	"context"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/metrics"
	"github.com/autonome-go/autonome/worker/internal/marketdata"
)

// feedMetrics counts the feed's messages per market and kind and exports each
// market's freshness: the time of its last book update and, computed at
// scrape time, its age. Use Sink in a Tee beside the simulator.
type feedMetrics struct {
	messages *prometheus.CounterVec // market, kind
	now      func() time.Time

	mu   sync.Mutex
	last map[arena.Symbol]time.Time
}

var (
	feedAgeDesc = prometheus.NewDesc(metrics.Namespace+"_feed_staleness_seconds",
		"Seconds since the market's last book update reached the simulator.", []string{"market"}, nil)
	feedLastDesc = prometheus.NewDesc(metrics.Namespace+"_feed_last_book_timestamp_seconds",
		"When the market's last book update reached the simulator (Unix time).", []string{"market"}, nil)
)

// newFeedMetrics registers the feed's series on reg.
func newFeedMetrics(reg prometheus.Registerer) *feedMetrics {
	m := &feedMetrics{
		messages: metrics.NewSeries(reg).CounterVec("feed_messages_total",
			"Market data messages received, by market and kind (book, trade, stats).", "market", "kind"),
		now:  time.Now,
		last: map[arena.Symbol]time.Time{},
	}
	reg.MustRegister(m)
	return m
}

// Sink counts every message it is given.
func (m *feedMetrics) Sink() marketdata.Sink {
	return marketdata.SinkFunc(func(_ context.Context, msg marketdata.Message) error {
		sym := msg.Symbol()
		m.messages.WithLabelValues(string(sym), msg.Kind.String()).Inc()
		if msg.Kind == marketdata.KindBook {
			m.mu.Lock()
			m.last[sym] = m.now()
			m.mu.Unlock()
		}
		return nil
	})
}

// Describe implements prometheus.Collector for the freshness series.
func (m *feedMetrics) Describe(ch chan<- *prometheus.Desc) {
	ch <- feedAgeDesc
	ch <- feedLastDesc
}

// Collect implements prometheus.Collector for the freshness series.
func (m *feedMetrics) Collect(ch chan<- prometheus.Metric) {
	now := m.now()
	m.mu.Lock()
	defer m.mu.Unlock()
	for sym, t := range m.last {
		ch <- prometheus.MustNewConstMetric(feedAgeDesc, prometheus.GaugeValue, now.Sub(t).Seconds(), string(sym))
		ch <- prometheus.MustNewConstMetric(feedLastDesc, prometheus.GaugeValue, float64(t.UnixNano())/1e9, string(sym))
	}
}
