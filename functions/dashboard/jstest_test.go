package dashboard

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestJavaScript runs the page modules' unit tests (testdata/js/*.test.mjs)
// with Node's built-in test runner. The modules are plain ES modules with
// no package.json beside them, so they are copied next to one that says so.
// Without Node the test is skipped, except under CI=true, where it fails.
func TestJavaScript(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("node is required when CI=true")
		}
		t.Skip("node not found")
	}
	dir := t.TempDir()
	if err := os.CopyFS(filepath.Join(dir, "static"), os.DirFS("static")); err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(filepath.Join(dir, "tests"), os.DirFS("testdata/js")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "package.json"), []byte(`{"type":"module"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(dir, "tests", "*.test.mjs"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no JavaScript tests found (%v)", err)
	}
	cmd := exec.Command(node, append([]string{"--test", "--test-reporter=spec"}, files...)...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node --test: %v\n%s", err, out)
	}
	if testing.Verbose() {
		t.Logf("%s", out)
	}
}
