package dashboard

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/autonome-go/autonome/shared/testenv"
)

// tsconfig checks every module as the browser loads it: the assets under
// /assets/{version}/ and the rendered /config.js two levels up. It is
// strict (null checks, unknown catch variables, strict function types)
// except noImplicitAny: the oRPC answers are untyped JSON, and the fields
// the pages read are pinned by the browser tests against the golden files.
const tsconfig = `{
  "compilerOptions": {
    "allowJs": true, "checkJs": true, "noEmit": true, "skipLibCheck": true,
    "target": "ES2022", "module": "ES2022", "moduleResolution": "bundler",
    "lib": ["ES2022", "DOM", "DOM.Iterable"], "strict": true, "noImplicitAny": false, "noFallthroughCasesInSwitch": true
  },
  "include": ["assets/v/**/*.js", "config.js"]
}
`

// TestTypeScriptChecksTheDashboard type-checks the dashboard's JavaScript
// (each module starts with // @ts-check; types are JSDoc) with the pinned
// TypeScript compiler (tscheck/package-lock.json), tsc --noEmit: there is
// no build step for the page itself. Without node and npm the test fails
// when CI=true and is skipped otherwise.
func TestTypeScriptChecksTheDashboard(t *testing.T) {
	node := testenv.Node(t)
	testenv.NPMInstall(t, "tscheck")
	dir := t.TempDir()
	if err := os.CopyFS(filepath.Join(dir, "assets", "v"), os.DirFS("static")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config.js"), renderConfig(Options{APIBase: "", SSEBase: "", Title: "Autonome"}), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "tsconfig.json"), []byte(tsconfig), 0o644); err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join("static", "*.js"))
	pages, _ := filepath.Glob(filepath.Join("static", "pages", "*.js"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no modules (%v)", err)
	}
	for _, f := range append(files, pages...) {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !hasTSCheck(src) {
			t.Errorf("%s does not start with // @ts-check (its comment block may come first)", f)
		}
	}
	tsc, err := filepath.Abs(filepath.Join("tscheck", "node_modules", "typescript", "bin", "tsc"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, tsc, "-p", dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("tsc --noEmit: %v\n%s", err, out)
	}
}

// hasTSCheck reports whether // @ts-check is among a module's leading
// comment lines.
func hasTSCheck(src []byte) bool {
	for line := range strings.Lines(string(src)) {
		switch line = strings.TrimSpace(line); {
		case line == "// @ts-check":
			return true
		case line != "" && !strings.HasPrefix(line, "//"):
			return false
		}
	}
	return false
}
