package metrics

import (
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestPoolCollector(t *testing.T) {
	reads := 0
	c := NewPoolCollector("test", []PoolSeries{
		{Name: "connections", Help: "Connections open."},
		{Name: "hits_total", Help: "Hits.", Counter: true},
	}, func() []float64 { reads++; return []float64{3, 7} })
	reg := prometheus.NewRegistry()
	reg.MustRegister(c)
	want := `
# HELP autonome_test_pool_connections Connections open.
# TYPE autonome_test_pool_connections gauge
autonome_test_pool_connections 3
# HELP autonome_test_pool_hits_total Hits.
# TYPE autonome_test_pool_hits_total counter
autonome_test_pool_hits_total 7
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want)); err != nil {
		t.Fatal(err)
	}
	if reads != 1 {
		t.Errorf("the pool was read %d times in one scrape, want once", reads)
	}
}
