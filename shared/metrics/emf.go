package metrics

import (
	"encoding/json"
	"io"
	"sort"
	"sync"
	"time"
)

// EMF writes metrics as CloudWatch Embedded Metric Format log lines: on
// Lambda the function's stdout goes to CloudWatch Logs, which extracts the
// metrics from such lines, so nothing calls a metrics API on the request
// path. One line carries one observation with its dimensions.
type EMF struct {
	mu        sync.Mutex
	w         io.Writer
	namespace string
	now       func() time.Time
}

// NewEMF returns an EMF writer to w under a CloudWatch namespace.
func NewEMF(w io.Writer, namespace string) *EMF {
	return &EMF{w: w, namespace: namespace, now: time.Now}
}

// Value is one metric of an EMF line; Unit is a CloudWatch unit
// ("Count", "Milliseconds", "Bytes", …).
type Value struct {
	Name  string
	Unit  string
	Value float64
}

// Write emits one line with dims as its dimension set.
func (e *EMF) Write(dims map[string]string, values ...Value) error {
	keys := make([]string, 0, len(dims))
	for k := range dims {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	type metricDef struct {
		Name string `json:"Name"`
		Unit string `json:"Unit"`
	}
	defs := make([]metricDef, len(values))
	line := map[string]any{}
	for k, v := range dims {
		line[k] = v
	}
	for i, v := range values {
		defs[i] = metricDef{v.Name, v.Unit}
		line[v.Name] = v.Value
	}
	line["_aws"] = map[string]any{
		"Timestamp": e.now().UnixMilli(),
		"CloudWatchMetrics": []any{map[string]any{
			"Namespace": e.namespace, "Dimensions": [][]string{keys}, "Metrics": defs,
		}},
	}
	b, err := json.Marshal(line)
	if err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	_, err = e.w.Write(append(b, '\n'))
	return err
}
