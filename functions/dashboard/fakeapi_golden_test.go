package dashboard

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

// The browser tests' fake API must not drift from the real one. The fake
// builds its answers from the golden files (fakeAPI.golden), which logs
// any field they lack and any value of another JSON kind; this check then
// compares whole answers with their golden files both ways: no field the
// golden file lacks, none it has missing, no kind it does not show.
// Model-written JSON (responsePayload, a tool call's metadata) is free-form
// and compared only by kind; fakeDrift lists the fake's deliberate
// departures.

// fakeCases are the inputs the check calls the fake with, each compared
// with the golden file named (its procedure's default answer unless a case
// of its own exists). Filters and windows exercise the fake's other paths.
var fakeCases = []struct {
	file string
	in   map[string]any
}{
	{"trading.getCryptoPrices", nil},
	{"models.getModels", nil},
	{"variants.getVariants", nil},
	{"trading.getPortfolioHistory.aggregate", nil},
	{"trading.getPortfolioHistory.apex", map[string]any{"variant": "Apex"}},
	{"trading.getPositions", nil},
	{"trading.getPositions.guardian", map[string]any{"variant": "Guardian"}},
	{"trading.getTrades", nil},
	{"trading.getTrades.apex", map[string]any{"variant": "Apex"}},
	{"models.getInvocations", nil},
	{"analytics.getLeaderboard", nil},
	{"analytics.getLeaderboard.24h", map[string]any{"window": "24h"}},
	{"analytics.getLeaderboard.season", map[string]any{"seasonId": "s-demo"}},
	{"analytics.getComparison", map[string]any{"a": "m-minimax-m2-apex", "b": "m-hold-btc-apex"}},
	{"analytics.getComparison.season", map[string]any{"a": "m-minimax-m2-apex", "b": "m-hold-btc-apex", "seasonId": "s-demo"}},
	{"analytics.getModelStats", nil},
	{"analytics.getModelStats.advanced", map[string]any{"mode": "advanced"}},
	{"analytics.getRunInfo", nil},
	{"analytics.getFailures", nil},
	{"variants.getVariantStats", nil},
	{"variants.getVariantHistory", nil},
}

// fakeDrift lists, by procedure and path, where the fake departs from its
// golden files on purpose, and why. The fake's values there are not
// checked.
var fakeDrift = map[string]string{
	"models/getModels .models[].runHint":   "omitempty: the golden fixture has no seat without a key; the fake has one",
	"models/getModels .models[].runStatus": "omitempty: as runHint",
	"analytics/getFailures .failures[].failureReason": "the real failureReason is a string or null; the fake also sends an object, " +
		"to prove the Failures page reads one without breaking",
	"analytics/getLeaderboard .entries[].repeats": "omitempty: only a stored season with repeats has them (rpc.LeaderboardEntry.Repeats); " +
		"no golden file has one, the fake's s-demo season has",
	"analytics/getComparison .repeats": "null in every golden file (no repeats); the fake's s-demo season has them (rpc.ComparisonRepeats)",
}

func TestFakeAPIMatchesGoldenFiles(t *testing.T) {
	g, err := defaultGoldens()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range checkFake(g) {
		t.Error(p)
	}
}

// Every procedure the fake serves that has a golden file is among
// fakeCases; so is every golden file the cases name.
func TestFakeCasesCoverTheFake(t *testing.T) {
	g, err := defaultGoldens()
	if err != nil {
		t.Fatal(err)
	}
	f := newFakeAPIFrom(time.Now().UTC(), g)
	defer f.close()
	covered := map[string]bool{}
	for _, c := range fakeCases {
		if g[c.file] == nil {
			t.Errorf("fakeCases names %s.json, which does not exist", c.file)
		}
		covered[procOf(c.file)] = true
	}
	served := 0
	for name := range g {
		proc := procOf(name)
		if _, _, ok := f.procedure(proc, map[string]any{}, func(string) string { return "" }); ok {
			served++
			if !covered[proc] {
				t.Errorf("the fake serves %s, which has golden files, but fakeCases does not check it", proc)
			}
		}
	}
	if served < 14 {
		t.Errorf("only %d golden files are of procedures the fake serves, want at least 14", served)
	}
}

// checkFake calls a fake built on g with every case and returns what
// differs from the golden files: the drift the fake logged while building
// its answers, then each answer's differences from its golden file.
func checkFake(g goldens) []string {
	f := newFakeAPIFrom(time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC), g)
	defer f.close()
	var problems []string
	for _, c := range fakeCases {
		proc := procOf(c.file)
		str := func(k string) string { s, _ := c.in[k].(string); return s }
		out, _, ok := f.procedure(proc, c.in, str)
		if !ok {
			problems = append(problems, fmt.Sprintf("%s: the fake does not serve it", proc))
			continue
		}
		if e, isErr := out.(rpcError); isErr {
			problems = append(problems, fmt.Sprintf("%s %v: the fake answers %s", proc, c.in, e.code))
			continue
		}
		golden := g[c.file]
		if golden == nil {
			problems = append(problems, fmt.Sprintf("no golden file %s.json", c.file))
			continue
		}
		b, err := json.Marshal(out)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: encode the fake's answer: %v", proc, err))
			continue
		}
		var v any
		_ = json.Unmarshal(b, &v)
		for _, d := range golden.diff(shapeOf(proc, v), len(c.in) == 0) {
			problems = append(problems, fmt.Sprintf("%s (%s.json, input %v): %s", proc, c.file, c.in, d))
		}
	}
	if err := f.drift.err(); err != nil {
		problems = append(problems, err.Error())
	}
	return problems
}

// diff compares the shape of the fake's answer with the golden one's: the
// fake's members the golden lacks, the golden's members the fake lacks (an
// optional one only when all, the default answer, is compared) and kinds
// the golden does not show, save where fakeDrift allows them.
func (s *shape) diff(fake *shape, all bool) []string {
	if fakeDrift[s.proc+" "+s.path] != "" {
		return nil
	}
	var out []string
	for k := range fake.kinds {
		if !s.kinds[k] {
			out = append(out, fmt.Sprintf("%s is %s in the fake, %s in the golden file", s.path, k, kindList(s.kinds)))
		}
	}
	if s.free {
		return out
	}
	for k, m := range fake.members {
		switch {
		case s.members[k] != nil:
			out = append(out, s.members[k].diff(m, all)...)
		case fakeDrift[s.proc+" "+m.path] == "":
			out = append(out, fmt.Sprintf("the fake sends %s, the golden file does not have it", m.path))
		}
	}
	if fake.objects > 0 {
		for k, m := range s.members {
			if fake.members[k] == nil && (all || !s.optional(k)) && fakeDrift[s.proc+" "+m.path] == "" {
				out = append(out, fmt.Sprintf("the fake lacks %s, which the golden file has", m.path))
			}
		}
	}
	if s.elem != nil && fake.elem != nil {
		out = append(out, s.elem.diff(fake.elem, all)...)
	}
	sort.Strings(out)
	return out
}

// freeForm reports whether the path is or lies inside model-written JSON.
func freeForm(path string) bool {
	for _, name := range []string{".responsePayload", ".metadata"} {
		if strings.HasSuffix(path, name) || strings.Contains(path, name+".") || strings.Contains(path, name+"[]") {
			return true
		}
	}
	return false
}

// The check fails when the real API renames a field, changes its kind, or
// always sends one the fake leaves out, and a field it adds reaches the fake
// without a change to it: each case edits a copy of the golden files.
func TestFakeDriftIsCaught(t *testing.T) {
	tests := []struct {
		name, file, from, to, want string
	}{
		{"a renamed field", "trading.getTrades", `"netPnl"`, `"netPnL"`,
			`trading/getTrades .trades[]: the fake sets "netPnl", which the golden file does not have`},
		{"a field of another kind", "models.getModels", `"initialCapital": 10000`, `"initialCapital": "10000.00"`,
			"models/getModels .models[].initialCapital: the fake sends number, the golden file shows string"},
		{"a string that became a number", "analytics.getRunInfo", `"runStartTime": "2026-02-03T12:00:00.000Z"`, `"runStartTime": 1`,
			"analytics/getRunInfo .runStartTime: the fake sends string, the golden file shows number"},
		{"an optional field made required", "models.getInvocations", `"status": "success",`, `"status": "success", "failureReason": "none",`,
			`models/getInvocations .conversations[]: the fake leaves out "failureReason", which every object here in the golden file has`},
		{"a field added to the golden file", "variants.getVariants", `"temperature": 0,`, `"temperature": 0, "risk": "low",`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := copyGoldens(t)
			path := filepath.Join(dir, tt.file+".json")
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(b), tt.from) {
				t.Fatalf("%s has no %s", tt.file, tt.from)
			}
			if err := os.WriteFile(path, []byte(strings.ReplaceAll(string(b), tt.from, tt.to)), 0o644); err != nil {
				t.Fatal(err)
			}
			g, err := loadGoldens(dir)
			if err != nil {
				t.Fatal(err)
			}
			problems := strings.Join(checkFake(g), "\n")
			if tt.want == "" && problems != "" {
				t.Errorf("the fake follows the golden file by construction, yet:\n%s", problems)
			}
			if tt.want != "" && !strings.Contains(problems, tt.want) {
				t.Errorf("problems do not include %q:\n%s", tt.want, problems)
			}
		})
	}
}

func copyGoldens(t *testing.T) string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(goldenDir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("golden files: %v (%d)", err, len(files))
	}
	dir := t.TempDir()
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(file)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// object.with and diff catch each kind of drift on their own.
func TestGoldenObjectChecks(t *testing.T) {
	var golden any
	_ = json.Unmarshal([]byte(`{"rows": [{"id": "a", "n": 1, "opt": true, "note": null}, {"id": "b", "n": 2, "note": "x"}]}`), &golden)
	f := &fakeAPI{goldens: goldens{"r.p": shapeOf("r/p", golden)}, drift: &driftLog{}}
	row := f.golden("r.p", ".rows[]")

	got := row.with(map[string]any{"id": "z"})
	if got["id"] != "z" || got["n"] != 1.0 || got["opt"] != true || got["note"] != "x" || f.drift.err() != nil {
		t.Errorf("with: %v, drift %v; want the golden's members completed", got, f.drift.err())
	}
	if got := row.without("opt").with(nil); slices.Contains(keys(got), "opt") || f.drift.err() != nil {
		t.Errorf("without an optional member: %v, drift %v", got, f.drift.err())
	}
	if row.with(map[string]any{"note": nil}); f.drift.err() != nil {
		t.Errorf("null where the golden has null: %v", f.drift.err())
	}

	for _, tt := range []struct {
		name string
		do   func()
		want string
	}{
		{"an unknown member", func() { f.golden("r.p", ".rows[]").with(map[string]any{"ID": "z"}) }, `the fake sets "ID"`},
		{"another kind", func() { f.golden("r.p", ".rows[]").with(map[string]any{"n": "1"}) }, `.rows[].n: the fake sends string, the golden file shows number`},
		{"null where the golden never has it", func() { f.golden("r.p", ".rows[]").with(map[string]any{"n": nil}) }, `the fake sends null`},
		{"a nil slice", func() { f.golden("r.p", "").with(map[string]any{"rows": []any(nil)}) }, `.rows: the fake sends null`},
		{"leaving out a member always sent", func() { f.golden("r.p", ".rows[]").without("n").with(nil) }, `leaves out "n"`},
		{"an element of another kind", func() { f.golden("r.p", "").with(map[string]any{"rows": []any{"a"}}) }, `.rows[]: the fake sends string`},
		{"no such file", func() { f.golden("r.q", "") }, `no golden file r.q.json`},
		{"no such object", func() { f.golden("r.p", ".rows[].id") }, `has no object at ".rows[].id"`},
	} {
		f.drift = &driftLog{}
		tt.do()
		if err := f.drift.err(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: drift %v, want %q", tt.name, err, tt.want)
		}
	}

	var fake any
	_ = json.Unmarshal([]byte(`{"rows": [{"id": 1, "n": 1, "extra": 0}]}`), &fake)
	d := strings.Join(shapeOf("r/p", golden).diff(shapeOf("r/p", fake), true), "\n")
	for _, want := range []string{".rows[].id is number in the fake", "the fake sends .rows[].extra", "the fake lacks .rows[].note", "the fake lacks .rows[].opt"} {
		if !strings.Contains(d, want) {
			t.Errorf("diff %q lacks %q", d, want)
		}
	}
	if d := shapeOf("r/p", golden).diff(shapeOf("r/p", fake), false); strings.Contains(strings.Join(d, "\n"), ".opt") {
		t.Errorf("diff of a filtered answer reports an optional member: %q", d)
	}
}

func keys(m map[string]any) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

// Serving a procedure no golden file shows is drift unless
// fakeWithoutGolden lists it.
func TestFakeServesOnlyGoldenProcedures(t *testing.T) {
	all, err := defaultGoldens()
	if err != nil {
		t.Fatal(err)
	}
	g := goldens{}
	for name, s := range all {
		if procOf(name) != "trading/getCryptoPrices" {
			g[name] = s
		}
	}
	f := newFakeAPIFrom(time.Now().UTC(), g)
	defer f.close()
	rec := httptest.NewRecorder()
	f.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/api/rpc/trading/getCryptoPrices", strings.NewReader(`{"json":{}}`)))
	want := "trading/getCryptoPrices: the fake serves it, but no golden file holds its answer"
	if err := f.drift.err(); rec.Code != http.StatusOK || err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("status %d, drift %v; want %q", rec.Code, err, want)
	}
}
