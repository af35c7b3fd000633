// Package metrics gives each binary its own Prometheus registry (no global
// state: the parts that measure something take a prometheus.Registerer), the
// handler that serves it, and, for Lambda, where nothing scrapes, the same
// figures as CloudWatch Embedded Metric Format log lines.
//
// Series follow Prometheus' conventions: the autonome_ prefix, base units in
// the name (_seconds, _bytes, _usd), _total on counters, and label values
// from bounded sets only (markets, procedures, outcome and reason codes, the
// roster's model ids), never free text or ids that grow without bound.
package metrics

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/autonome-go/autonome/shared/bearer"
)

// Namespace prefixes every series the arena exports.
const Namespace = "autonome"

// NewRegistry returns a registry holding the Go runtime and process
// collectors; each part of the binary registers its own series on it.
func NewRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return reg
}

// Handler serves reg in the Prometheus exposition format. With a token, a
// scrape must send it as a bearer token (Prometheus' `authorization`
// scrape setting); without one the endpoint is open and belongs on a
// private address.
func Handler(reg *prometheus.Registry, token string) http.Handler {
	h := promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg, ErrorHandling: promhttp.ContinueOnError})
	if token == "" {
		return h
	}
	allowed := bearer.NewSet(token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !allowed.Authorized(r) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			http.Error(w, "metrics need the admin token", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// Buckets for request and write latencies, seconds: 1 ms to 30 s.
var LatencyBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}
