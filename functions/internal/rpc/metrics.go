package rpc

import (
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/otel/attribute"
	otelcodes "go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/autonome-go/autonome/shared/metrics"
	"github.com/autonome-go/autonome/shared/tracing"
)

// Observer receives one observation per request: the procedure path (or
// "health", or "other" for anything else, so label values stay bounded),
// the HTTP status answered and how long it took.
type Observer interface {
	ObserveRequest(procedure string, status int, d time.Duration)
}

// Instrument wraps the API's handler so that every request is observed and,
// when tracing is on, runs in a span named after its procedure.
func Instrument(h http.Handler, obs Observer) http.Handler {
	tracer := tracing.Tracer("github.com/autonome-go/autonome/functions/internal/rpc")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		began := time.Now()
		proc := procedureLabel(r.URL.Path)
		ctx, span := tracer.Start(r.Context(), "rpc "+proc, trace.WithSpanKind(trace.SpanKindServer),
			trace.WithAttributes(attribute.String("rpc.system", "orpc"), attribute.String("rpc.method", proc)))
		defer span.End()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(sw, r.WithContext(ctx))
		span.SetAttributes(attribute.Int("http.response.status_code", sw.status))
		if sw.status >= 500 {
			span.SetStatus(otelcodes.Error, http.StatusText(sw.status))
		}
		if obs != nil {
			obs.ObserveRequest(proc, sw.status, time.Since(began))
		}
	})
}

var (
	knownOnce  sync.Once
	knownProcs map[string]bool
)

// procedureLabel maps a request path to a bounded label value.
func procedureLabel(path string) string {
	knownOnce.Do(func() {
		r := NewRouter(nil)
		(&api{}).register(r)
		knownProcs = map[string]bool{}
		for _, p := range r.Paths() {
			knownProcs[p] = true
		}
	})
	if p := ProcedurePath(path); knownProcs[p] {
		return p
	}
	switch path {
	case "/health", "/api/health", "/health/schedulers":
		return "health"
	}
	return "other"
}

// statusWriter remembers the status a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// PromObserver counts requests and their latency in Prometheus series.
type PromObserver struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

// NewPromObserver registers the API's series on reg.
func NewPromObserver(reg prometheus.Registerer) *PromObserver {
	s := metrics.NewSeries(reg)
	return &PromObserver{
		requests: s.CounterVec("api_requests_total", "API requests by procedure and HTTP status code.", "procedure", "code"),
		latency:  s.Latency("api_request_duration_seconds", "API request latency by procedure.", "procedure"),
	}
}

// ObserveRequest implements Observer.
func (o *PromObserver) ObserveRequest(proc string, status int, d time.Duration) {
	o.requests.WithLabelValues(proc, strconv.Itoa(status)).Inc()
	o.latency.WithLabelValues(proc).Observe(d.Seconds())
}

// EMFObserver writes each request as a CloudWatch Embedded Metric Format
// line (Lambda: stdout goes to CloudWatch Logs, which extracts the metrics).
type EMFObserver struct{ emf *metrics.EMF }

// NewEMFObserver writes through emf.
func NewEMFObserver(emf *metrics.EMF) *EMFObserver { return &EMFObserver{emf: emf} }

// ObserveRequest implements Observer.
func (o *EMFObserver) ObserveRequest(proc string, status int, d time.Duration) {
	_ = o.emf.Write(map[string]string{"procedure": proc, "code": strconv.Itoa(status)},
		metrics.Value{Name: "Requests", Unit: "Count", Value: 1},
		metrics.Value{Name: "Latency", Unit: "Milliseconds", Value: float64(d.Microseconds()) / 1000})
}
