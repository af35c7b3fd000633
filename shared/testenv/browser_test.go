package testenv

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"
)

// tallPage is taller than the window, so a viewport-only screenshot would
// be too short.
const tallPage = `<!doctype html><title>t</title>
<body style="margin:0"><div id="top" style="height:2500px;background:linear-gradient(#fff,#000)">top</div></body>`

func pageServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/500" {
			http.Error(w, "down", http.StatusInternalServerError)
			return
		}
		fmt.Fprint(w, tallPage)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestBrowser(t *testing.T) {
	srv := pageServer(t)
	ctx := Browser(t, WindowSize(900, 600))
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(tctx, chromedp.Navigate(srv.URL), chromedp.WaitVisible(chromedp.ID("top"))); err != nil {
		t.Fatal(err)
	}

	size, err := chromedp.Run(tctx, chromedp.Evaluate[[]int](`[innerWidth, innerHeight]`))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(size, []int{900, 600}) {
		t.Errorf("viewport = %v, want [900 600]", size)
	}

	// The flags that keep Chromium off the network and out of the way.
	cl, err := chromedp.CallBrowser(tctx, browser.GetBrowserCommandLine, cdp.Empty{})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"} {
		if !slices.Contains(cl.Arguments, want) {
			t.Errorf("command line %q lacks %s", cl.Arguments, want)
		}
	}
	if !slices.ContainsFunc(cl.Arguments, func(a string) bool { return strings.HasPrefix(a, "--user-data-dir=") }) {
		t.Errorf("command line %q has no --user-data-dir", cl.Arguments)
	}

	dir := t.TempDir()
	t.Setenv("TEST_ARTIFACTS_DIR", dir)
	path := Screenshot(t, tctx, "tall/page")
	if want := filepath.Join(dir, "TestBrowser-tall_page.png"); path != want {
		t.Errorf("screenshot path = %s, want %s", path, want)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("screenshot is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 900 || b.Dy() != 2500 {
		t.Errorf("screenshot is %dx%d, want the full page, 900x2500", b.Dx(), b.Dy())
	}
}

func TestFailOnPageErrors(t *testing.T) {
	srv := pageServer(t)
	ctx := Browser(t)
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(tctx, chromedp.Navigate(srv.URL)); err != nil {
		t.Fatal(err)
	}
	rec := &recordingTB{TB: t}
	seen := FailOnPageErrors(rec, ctx)
	err := chromedp.Do(tctx,
		chromedp.Evaluate[chromedp.Void](`console.log('fine'); console.warn('fine too')`),
		chromedp.Evaluate[chromedp.Void](`fetch('/500').then(r => r.status)`, chromedp.EvalAwaitPromise),
		chromedp.Evaluate[chromedp.Void](`console.error('bad', 42)`),
		chromedp.Evaluate[chromedp.Void](`setTimeout(() => { throw new Error('boom') })`),
	)
	if err != nil {
		t.Fatal(err)
	}
	WaitFor(t, 10*time.Second, func() error {
		if n := len(seen()); n < 2 {
			return fmt.Errorf("%d page errors seen, want 2", n)
		}
		return nil
	})
	got := seen()
	if len(got) != 2 || got[0] != `console.error: "bad" 42` || !strings.Contains(got[1], "Error: boom") {
		t.Fatalf("page errors = %q, want the console.error and the exception, not the logs or the 500", got)
	}
	rec.cleanup()
	if errs := rec.errs(); len(errs) != 1 || !strings.Contains(errs[0], "boom") {
		t.Errorf("test failures at cleanup = %q, want one listing the errors", errs)
	}
}

func TestChromiumPath(t *testing.T) {
	t.Setenv("CHROME_PATH", "/opt/chrome/chrome")
	if got := ChromiumPath(); got != "/opt/chrome/chrome" {
		t.Errorf("with CHROME_PATH: %q", got)
	}
	bin := t.TempDir()
	fake := filepath.Join(bin, "chromium-browser")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("CHROME_PATH", "")
	t.Setenv("PATH", bin)
	if got := ChromiumPath(); got != fake {
		t.Errorf("from PATH: %q, want %q", got, fake)
	}
	t.Setenv("PATH", t.TempDir())
	if got := ChromiumPath(); got != "" {
		t.Errorf("with nothing installed: %q, want empty", got)
	}
}

func TestBrowserMissing(t *testing.T) {
	t.Setenv("CHROME_PATH", "")
	t.Setenv("PATH", t.TempDir())
	for _, tc := range []struct {
		ci        string
		fail, skp bool
	}{
		{ci: "true", fail: true},
		{ci: "", skp: true},
	} {
		t.Setenv("CI", tc.ci)
		rec := &recordingTB{TB: t}
		rec.run(func() { Browser(rec) })
		if rec.failed() != tc.fail || rec.skipped() != tc.skp {
			t.Errorf("CI=%q: failed %v skipped %v (%q), want failed %v skipped %v", tc.ci, rec.failed(), rec.skipped(), rec.msgs, tc.fail, tc.skp)
		}
		if !slices.ContainsFunc(rec.msgs, func(m string) bool { return strings.Contains(m, "install the chromium package") }) {
			t.Errorf("CI=%q: messages %q do not say to install the chromium package", tc.ci, rec.msgs)
		}
	}
}

// recordingTB stands in for a test whose failures are the subject: it
// records them instead of failing the real test, and runs cleanups when told.
type recordingTB struct {
	testing.TB

	mu       sync.Mutex
	msgs     []string
	fails    int
	skips    int
	errors   []string
	cleanups []func()
}

func (r *recordingTB) Helper() {}

func (r *recordingTB) record(fail, skip bool, msg string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, msg)
	if fail {
		r.fails++
		r.errors = append(r.errors, msg)
	}
	if skip {
		r.skips++
	}
}

func (r *recordingTB) Errorf(format string, args ...any) {
	r.record(true, false, fmt.Sprintf(format, args...))
}
func (r *recordingTB) Fatal(args ...any) {
	r.record(true, false, fmt.Sprint(args...))
	runtime.Goexit()
}
func (r *recordingTB) Fatalf(format string, args ...any) {
	r.record(true, false, fmt.Sprintf(format, args...))
	runtime.Goexit()
}
func (r *recordingTB) Skip(args ...any) { r.record(false, true, fmt.Sprint(args...)); runtime.Goexit() }
func (r *recordingTB) Skipf(format string, args ...any) {
	r.record(false, true, fmt.Sprintf(format, args...))
	runtime.Goexit()
}
func (r *recordingTB) Failed() bool { return r.failed() }

func (r *recordingTB) Cleanup(f func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cleanups = append(r.cleanups, f)
}

func (r *recordingTB) failed() bool  { r.mu.Lock(); defer r.mu.Unlock(); return r.fails > 0 }
func (r *recordingTB) skipped() bool { r.mu.Lock(); defer r.mu.Unlock(); return r.skips > 0 }
func (r *recordingTB) errs() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.errors)
}

// run calls f on its own goroutine, as the testing package would, so that
// Fatal and Skip can end it.
func (r *recordingTB) run(f func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	<-done
	r.cleanup()
}

// cleanup runs the registered cleanups, last first.
func (r *recordingTB) cleanup() {
	r.mu.Lock()
	fs := r.cleanups
	r.cleanups = nil
	r.mu.Unlock()
	for _, f := range slices.Backward(fs) {
		f()
	}
}
