package rpc_test

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/autonome-go/autonome/functions/internal/rpc"
	"github.com/autonome-go/autonome/functions/internal/rpc/rpctest"
	"github.com/autonome-go/autonome/shared/testenv"
)

type clientCase struct {
	Name  string          `json:"name"`
	Path  []string        `json:"path"`
	Input json.RawMessage `json:"input,omitempty"`
	Admin bool            `json:"admin"`
}

type clientReport struct {
	Results []struct {
		Name   string          `json:"name"`
		OK     bool            `json:"ok"`
		Output json.RawMessage `json:"output"`
		Error  json.RawMessage `json:"error"`
	} `json:"results"`
	Checks []struct {
		Name string `json:"name"`
		Path []any  `json:"path"`
		Kind string `json:"kind"`
		ISO  string `json:"iso"`
	} `json:"checks"`
}

// The official JavaScript client (@orpc/client, pinned in orpcclient/
// package-lock.json) calls every procedure over real HTTP and gets the
// golden answers, with the reference's Date fields revived as Dates and
// its other timestamps left as strings; errors arrive as ORPCErrors with
// the golden code, status and issues.
func TestOfficialORPCClient(t *testing.T) {
	node := testenv.Node(t)
	dir := filepath.Join(rpctest.Dir(), "..", "orpcclient")
	testenv.NPMInstall(t, dir)

	env := rpctest.Seed(t)
	srv := httptest.NewServer(rpc.NewHandler(env.Deps, env.Options()))
	defer srv.Close()

	var cases []clientCase
	golden := map[string]map[string]json.RawMessage{}
	for _, c := range rpctest.Cases() {
		path, ok := strings.CutPrefix(c.Path, "/api/rpc/")
		if !ok || c.Method != "" || strings.Contains(path, "?") {
			continue
		}
		cc := clientCase{Name: c.Name, Path: strings.Split(path, "/"), Admin: c.Admin}
		if c.Body != "" {
			var env struct {
				JSON json.RawMessage `json:"json"`
			}
			dec := json.NewDecoder(strings.NewReader(c.Body))
			dec.DisallowUnknownFields()
			if dec.Decode(&env) != nil || env.JSON == nil {
				continue // a malformed envelope: the client cannot send one
			}
			cc.Input = env.JSON
		}
		cases = append(cases, cc)
		b, err := os.ReadFile(filepath.Join(rpctest.Dir(), "golden", c.Name+".json"))
		if err != nil {
			t.Fatal(err)
		}
		var g map[string]json.RawMessage
		if err := json.Unmarshal(b, &g); err != nil {
			t.Fatal(err)
		}
		golden[c.Name] = g
	}
	casesFile := filepath.Join(t.TempDir(), "cases.json")
	b, _ := json.Marshal(cases)
	if err := os.WriteFile(casesFile, b, 0o600); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "client.mjs", srv.URL, rpctest.AdminToken, casesFile)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("node client.mjs: %v\n%s", err, stderr.String())
	}
	var rep clientReport
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("client output: %v\n%s", err, stdout.String())
	}
	if len(rep.Results) != len(cases) {
		t.Fatalf("client ran %d of %d cases", len(rep.Results), len(cases))
	}
	procedures := map[string]bool{}
	numbers := cmp.Comparer(func(a, b float64) bool { return a == b || math.Abs(a-b) <= 1e-12*math.Abs(a) })
	for _, r := range rep.Results {
		g := golden[r.Name]
		var wantJSON map[string]any
		_ = json.Unmarshal(g["json"], &wantJSON)
		if _, isErr := wantJSON["defined"]; isErr != !r.OK {
			t.Errorf("%s: ok=%v, golden says otherwise (error %s)", r.Name, r.OK, r.Error)
			continue
		}
		got := r.Output
		if !r.OK {
			got = r.Error
		} else {
			procedures[strings.Join(casePath(cases, r.Name), ".")] = true
		}
		var gotV, wantV any
		if err := json.Unmarshal(got, &gotV); err != nil {
			t.Fatalf("%s: %v", r.Name, err)
		}
		_ = json.Unmarshal(g["json"], &wantV)
		if diff := cmp.Diff(wantV, gotV, numbers); diff != "" {
			t.Errorf("%s: the client got something else than the golden answer (-golden +client):\n%s", r.Name, diff)
		}
	}
	for _, p := range append(rpctest.ReferenceProcedures, rpctest.SeasonProcedures...) {
		if !procedures[p] {
			t.Errorf("the client never called %s successfully", p)
		}
	}
	wantKinds := map[string]string{"runStartTime": "Date", "createdAt": "Date", "openedAt": "string", "closedAt": "string", "timestamp": "string"}
	for _, c := range rep.Checks {
		field := c.Path[len(c.Path)-1].(string)
		want := wantKinds[field]
		if c.Name == "trading.getPortfolioHistory.apex" {
			want = "string" // history createdAt is an ISO string in the reference
		}
		if c.Kind != want || c.ISO == "" {
			t.Errorf("%s %v: decoded as %s (%q), want %s", c.Name, c.Path, c.Kind, c.ISO, want)
		}
	}
}

func casePath(cases []clientCase, name string) []string {
	for _, c := range cases {
		if c.Name == name {
			return c.Path
		}
	}
	return nil
}
