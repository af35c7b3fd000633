package metrics

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

func TestHandlerNeedsTheTokenWhenSet(t *testing.T) {
	reg := NewRegistry()
	c := prometheus.NewCounter(prometheus.CounterOpts{Namespace: Namespace, Name: "things_total", Help: "Things."})
	reg.MustRegister(c)
	c.Add(3)
	h := Handler(reg, "s3cret")
	for _, tc := range []struct {
		auth string
		want int
	}{{"", 401}, {"Bearer wrong", 401}, {"Basic s3cret", 401}, {"Bearer s3cret", 200}} {
		req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != tc.want {
			t.Errorf("Authorization %q: status %d, want %d", tc.auth, rec.Code, tc.want)
		}
		if tc.want == 200 && !strings.Contains(rec.Body.String(), "autonome_things_total 3") {
			t.Errorf("body lacks the counter:\n%s", rec.Body)
		}
		if tc.want == 200 && !strings.Contains(rec.Body.String(), "go_goroutines") {
			t.Error("body lacks the Go runtime collector")
		}
	}
}

func TestEMFLine(t *testing.T) {
	var buf bytes.Buffer
	e := NewEMF(&buf, "Autonome/API")
	e.now = func() time.Time { return time.UnixMilli(1700000000123) }
	if err := e.Write(map[string]string{"procedure": "trading/getTrades", "code": "200"},
		Value{Name: "Requests", Unit: "Count", Value: 1}, Value{Name: "Latency", Unit: "Milliseconds", Value: 12.5}); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasSuffix(buf.Bytes(), []byte("\n")) || bytes.Count(buf.Bytes(), []byte("\n")) != 1 {
		t.Fatalf("want one line, got %q", buf.String())
	}
	var line struct {
		AWS struct {
			Timestamp         int64
			CloudWatchMetrics []struct {
				Namespace  string
				Dimensions [][]string
				Metrics    []struct{ Name, Unit string }
			}
		} `json:"_aws"`
		Procedure string  `json:"procedure"`
		Code      string  `json:"code"`
		Requests  float64 `json:"Requests"`
		Latency   float64 `json:"Latency"`
	}
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
		t.Fatal(err)
	}
	cw := line.AWS.CloudWatchMetrics
	if line.AWS.Timestamp != 1700000000123 || len(cw) != 1 || cw[0].Namespace != "Autonome/API" ||
		len(cw[0].Dimensions) != 1 || strings.Join(cw[0].Dimensions[0], ",") != "code,procedure" ||
		len(cw[0].Metrics) != 2 || cw[0].Metrics[1].Unit != "Milliseconds" {
		t.Fatalf("EMF metadata wrong: %s", buf.String())
	}
	if line.Procedure != "trading/getTrades" || line.Code != "200" || line.Requests != 1 || line.Latency != 12.5 {
		t.Fatalf("EMF values wrong: %s", buf.String())
	}
}

// A Series registers what it makes in the arena's namespace, once.
func TestSeriesRegistersOnce(t *testing.T) {
	reg := prometheus.NewRegistry()
	s := NewSeries(reg)
	s.CounterVec("things_total", "Things.", "kind").WithLabelValues("a").Add(2)
	s.Latency("thing_seconds", "Time.").WithLabelValues().Observe(0.2)
	fams, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range fams {
		names = append(names, f.GetName())
	}
	if want := []string{"autonome_thing_seconds", "autonome_things_total"}; !slices.Equal(names, want) {
		t.Fatalf("registered %v, want %v", names, want)
	}
	defer func() {
		if recover() == nil {
			t.Error("registering a series twice did not panic")
		}
	}()
	s.Counter("things_total", "Again.")
}
