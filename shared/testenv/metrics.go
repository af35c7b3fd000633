package testenv

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// Metrics is one scrape of a Prometheus endpoint.
type Metrics map[string]*dto.MetricFamily

// Scrape reads url (a /metrics endpoint) in the text exposition format,
// sending token as a bearer token when it is set. It fails the test when the
// endpoint does not answer 200 with parseable metrics.
func Scrape(t testing.TB, url, token string) Metrics {
	t.Helper()
	m, err := scrape(url, token)
	if err != nil {
		t.Fatalf("scrape %s: %v", url, err)
	}
	return m
}

func scrape(url, token string) (Metrics, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %s", resp.Status)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	return p.TextToMetricFamilies(resp.Body)
}

// Value sums the samples of the named series whose labels include every
// pair of labels (name, value, name, value, …): counters and gauges by
// value, histograms by their sample count. A missing series is 0.
func (m Metrics) Value(name string, labels ...string) float64 {
	f := m[name]
	if f == nil {
		return 0
	}
	var sum float64
	for _, s := range f.GetMetric() {
		if !hasLabels(s, labels) {
			continue
		}
		switch {
		case s.Counter != nil:
			sum += s.Counter.GetValue()
		case s.Gauge != nil:
			sum += s.Gauge.GetValue()
		case s.Histogram != nil:
			sum += float64(s.Histogram.GetSampleCount())
		case s.Untyped != nil:
			sum += s.Untyped.GetValue()
		}
	}
	return sum
}

func hasLabels(s *dto.Metric, labels []string) bool {
	for i := 0; i+1 < len(labels); i += 2 {
		found := false
		for _, l := range s.GetLabel() {
			if l.GetName() == labels[i] && l.GetValue() == labels[i+1] {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// Eventually scrapes url until cond holds or d passes, and returns the last
// scrape; it fails the test with what explains if cond never held.
func Eventually(t testing.TB, url, token string, d time.Duration, what string, cond func(Metrics) bool) Metrics {
	t.Helper()
	var m Metrics
	WaitFor(t, d, func() error {
		var err error
		if m, err = scrape(url, token); err != nil {
			return fmt.Errorf("%s: scrape %s: %w", what, url, err)
		}
		if !cond(m) {
			return fmt.Errorf("%s: not seen at %s", what, url)
		}
		return nil
	})
	return m
}
