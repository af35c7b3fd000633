package rpc_test

import (
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"

	"github.com/autonome-go/autonome/functions/internal/rpc"
	"github.com/autonome-go/autonome/functions/internal/rpc/rpctest"
)

// The export lists one row per entrant and run, the same in CSV and JSON
// and the same as the leaderboard; an unknown season is NOT_FOUND.
func TestExportResults(t *testing.T) {
	env := rpctest.Seed(t)
	h := rpc.NewHandler(env.Deps, env.Options())
	resp, body := do(t, h, "GET", "/api/export/results.json?window=30d", "", nil)
	var res rpc.Results
	if err := json.Unmarshal(body, &res); err != nil || resp.StatusCode != 200 {
		t.Fatalf("%d %s (%v)", resp.StatusCode, body, err)
	}
	lb, _ := leaderboard(t, env, env.Options(), `{"json":{"window":"30d"}}`)
	if len(res.Rows) != len(lb.Entries) || res.SeasonID != "live" || res.Intervals != lb.Intervals {
		t.Fatalf("export %+v\nleaderboard %+v", res, lb)
	}
	for i, row := range res.Rows {
		e := lb.Entries[i]
		if row.ModelID != e.ModelID || row.Run != "live" || row.PnlPercent != e.PnlPercent || *row.SharpeLo != e.Intervals.Sharpe.Lo {
			t.Errorf("row %d %+v, entry %+v", i, row, e)
		}
	}
	resp, body = do(t, h, "GET", "/api/export/results.csv?window=30d&seasonId=live", "", nil)
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != 200 || !strings.HasPrefix(ct, "text/csv") ||
		!strings.Contains(resp.Header.Get("Content-Disposition"), "autonome-live-30d-results.csv") {
		t.Fatalf("%d %s %v", resp.StatusCode, body, resp.Header)
	}
	records, err := csv.NewReader(strings.NewReader(string(body))).ReadAll()
	if err != nil || len(records) != len(res.Rows)+1 {
		t.Fatalf("csv %v: %s", err, body)
	}
	col := map[string]int{}
	for i, name := range records[0] {
		col[name] = i
	}
	for i, row := range res.Rows {
		rec := records[i+1]
		if rec[col["modelId"]] != row.ModelID || rec[col["pnlPercentLo"]] != jsonNumber(t, row.PnlPercentLo) ||
			rec[col["immature"]] != map[bool]string{true: "true", false: "false"}[row.Immature] || rec[col["startValue"]] != row.StartValue.String() {
			t.Errorf("csv row %v, json row %+v", rec, row)
		}
	}
	for path, want := range map[string]int{"/api/export/results.csv?seasonId=s-1": 404, "/api/export/results.xml": 404, "/api/export/results.json?window=1y": 400} {
		if resp, body := do(t, h, "GET", path, "", nil); resp.StatusCode != want {
			t.Errorf("%s: %d %s, want %d", path, resp.StatusCode, body, want)
		}
	}
}

func jsonNumber(t *testing.T, v *float64) string {
	if v == nil {
		return ""
	}
	b, _ := json.Marshal(*v)
	return string(b)
}
