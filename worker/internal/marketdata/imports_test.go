package marketdata_test

import (
	"go/build"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/autonome-go/autonome/"

// TestImports keeps the feeds' dependencies where the architecture wants
// them: the domain and this package for all, the network libraries only in
// the adapter that needs them, and nothing from the rest of the worker.
func TestImports(t *testing.T) {
	shared := []string{module + "shared/arena", module + "worker/internal/marketdata"}
	allowed := map[string][]string{
		".":         {module + "shared/arena"},
		"synthetic": shared,
		"tape":      shared,
		"lighter": append([]string{"github.com/coder/websocket", "golang.org/x/time/rate", "golang.org/x/sync/singleflight",
			module + "shared/retry"}, shared...),
	}
	for dir, ok := range allowed {
		pkg, err := build.ImportDir(filepath.Join(".", dir), 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range pkg.Imports {
			if !strings.Contains(strings.Split(imp, "/")[0], ".") {
				continue // standard library
			}
			if !slices.Contains(ok, imp) {
				t.Errorf("package %s imports %s", dir, imp)
			}
		}
	}
}
