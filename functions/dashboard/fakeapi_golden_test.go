package dashboard

import (
	"encoding/json"
	"os"
	"path/filepath"
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
			if !want[p] && !fakeDrift[proc+" "+p] && !freeForm(p) {
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

// fakeDrift lists fields the fake answers that its golden file lacks, and why.
var fakeDrift = map[string]bool{
	// omitempty: the golden fixture has no seat without a key; the fake has one.
	"models/getModels .models[].runHint":   true,
	"models/getModels .models[].runStatus": true,
	// The real failureReason is a string or null; the fake also sends an
	// object to prove the Failures page reads one without breaking.
	"analytics/getFailures .failures[].failureReason.code":    true,
	"analytics/getFailures .failures[].failureReason.message": true,
}

// freeForm reports whether p lies inside model-written JSON.
func freeForm(p string) bool {
	return strings.Contains(p, ".responsePayload.") || strings.Contains(p, ".metadata.")
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
