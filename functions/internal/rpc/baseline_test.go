package rpc_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/autonome-go/autonome/functions/internal/rpc"
	"github.com/autonome-go/autonome/functions/internal/rpc/rpctest"
)

// A baseline's "Models" row names a persona (the column is NOT NULL), but
// no answer may show the baseline as that persona: every variant field of
// a baseline's account reads "baseline", in every procedure, and a
// persona's competition lists the baselines too.
func TestBaselinesNeverPoseAsAPersona(t *testing.T) {
	env := rpctest.Seed(t)
	h := rpc.NewHandler(env.Deps, env.Options())
	seen := 0
	for _, c := range rpctest.Cases() {
		if c.Status != 200 || !strings.HasPrefix(c.Path, "/api/rpc/") {
			continue
		}
		method := c.Method
		if method == "" {
			method = http.MethodPost
		}
		hdr := map[string]string(nil)
		if c.Admin {
			hdr = admin()
		}
		_, body := do(t, h, method, c.Path, c.Body, hdr)
		var v any
		if err := json.Unmarshal(body, &v); err != nil {
			t.Fatal(err)
		}
		checkBaseline(t, c.Name, v, false, &seen)
	}
	if seen == 0 {
		t.Fatal("no answer mentioned the baseline's variant")
	}
	for _, in := range []string{`{"variant":"Apex"}`, `{"variant":"Guardian"}`} {
		_, body := do(t, h, "POST", "/api/rpc/trading/getPositions", `{"json":`+in+`}`, nil)
		if !strings.Contains(string(body), rpctest.BaselineHold) {
			t.Errorf("the %s competition does not list the baseline: %s", in, body)
		}
	}
}

func checkBaseline(t *testing.T, name string, v any, inBaseline bool, seen *int) {
	t.Helper()
	switch x := v.(type) {
	case map[string]any:
		if x["modelId"] == rpctest.BaselineHold || x["id"] == rpctest.BaselineHold {
			inBaseline = true
		}
		for k, val := range x {
			if inBaseline && (k == "variant" || k == "modelVariant") {
				*seen++
				if val != "baseline" {
					t.Errorf("%s: the baseline shows %s %v", name, k, val)
				}
			}
			checkBaseline(t, name, val, inBaseline, seen)
		}
	case []any:
		for _, e := range x {
			checkBaseline(t, name, e, inBaseline, seen)
		}
	}
}
