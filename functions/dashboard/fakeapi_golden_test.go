package dashboard

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

// The browser tests' fake API must not drift from the real one: every
// field the fake answers with, for each procedure that has a golden file
// of its default answer, must exist at the same place in that file.
// Model-written JSON (responsePayload, a tool call's metadata) is free-form
// and not compared; fakeDrift lists the fields the fake sends on purpose.
func TestFakeAPIFieldsMatchGoldenFiles(t *testing.T) {
	files, err := filepath.Glob("../internal/rpc/testdata/golden/*.*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("golden files: %v (%d)", err, len(files))
	}
	f := newFakeAPI(time.Now().UTC())
	defer f.close()
	checked := 0
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".json")
		if strings.Count(name, ".") != 1 || strings.HasPrefix(name, "error.") {
			continue // a variant of a case, or an error
		}
		proc := strings.Replace(name, ".", "/", 1)
		out, _, ok := f.procedure(proc, map[string]any{}, func(string) string { return "" })
		if !ok {
			continue
		}
		var golden struct{ JSON any }
		b, err := os.ReadFile(file)
		if err != nil || json.Unmarshal(b, &golden) != nil {
			t.Fatalf("%s: %v", file, err)
		}
		fb, err := json.Marshal(out)
		if err != nil {
			t.Fatalf("%s: fake answer: %v", proc, err)
		}
		var fake any
		if err := json.Unmarshal(fb, &fake); err != nil {
			t.Fatal(err)
		}
		want, got := map[string]bool{}, map[string]bool{}
		paths(golden.JSON, "", want)
		paths(fake, "", got)
		var extra []string
		for p := range got {
			if !want[p] && fakeDrift[proc+" "+p] == "" && !freeForm(p) {
				extra = append(extra, p)
			}
		}
		sort.Strings(extra)
		if len(extra) > 0 {
			t.Errorf("%s: the fake answers fields the golden file %s does not have: %v", proc, filepath.Base(file), extra)
		}
		checked++
	}
	if checked < 5 {
		t.Fatalf("checked %d procedures against golden files, want at least 5", checked)
	}
}

// fakeDrift lists, by procedure and path, where the fake departs from its
// golden files on purpose, and why. The fake's values there are not
// checked.
var fakeDrift = map[string]string{
	"models/getModels .models[].runHint":   "omitempty: the golden fixture has no seat without a key; the fake has one",
	"models/getModels .models[].runStatus": "omitempty: as runHint",
	"analytics/getFailures .failures[].failureReason": "the real failureReason is a string or null; the fake also sends an object, " +
		"to prove the Failures page reads one without breaking",
	"analytics/getFailures .failures[].failureReason.code":    "as failureReason",
	"analytics/getFailures .failures[].failureReason.message": "as failureReason",
	"analytics/getLeaderboard .entries[].repeats": "omitempty: only a stored season with repeats has them (rpc.LeaderboardEntry.Repeats); " +
		"no golden file has one, the fake's s-demo season has",
	"analytics/getComparison .repeats": "null in every golden file (no repeats); the fake's s-demo season has them (rpc.ComparisonRepeats)",
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

// paths collects the object key paths in v ("a.b[].c"); list elements share "[]".
func paths(v any, at string, out map[string]bool) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			p := at + "." + k
			out[p] = true
			paths(x, p, out)
		}
	case []any:
		for _, x := range v {
			paths(x, at+"[]", out)
		}
	}
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
