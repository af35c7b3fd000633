package testenv

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// BrowserStartTimeout bounds how long Browser waits for Chromium to start
// and open its first tab; a loaded CI machine can need several seconds.
const BrowserStartTimeout = 60 * time.Second

// BrowserOption configures Browser.
type BrowserOption func(*browserConfig)

type browserConfig struct {
	width, height int
}

// WindowSize sets the page's viewport (and the browser window), in CSS
// pixels. The default is 1280×800.
func WindowSize(width, height int) BrowserOption {
	return func(c *browserConfig) { c.width, c.height = width, height }
}

// ChromiumPath returns the browser Browser runs: $CHROME_PATH, else the
// first of chromium, chromium-browser, google-chrome and
// google-chrome-stable on PATH, else "".
func ChromiumPath() string {
	if p := os.Getenv("CHROME_PATH"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// Browser starts headless Chromium for the test and returns a chromedp
// context whose tab is already open: pass it to chromedp.Do and chromedp.Run.
// Bound each step with context.WithTimeout(ctx, d); such a deadline ends the
// step, not the browser.
//
// Without Chromium the test is skipped, except under CI=true, where it fails.
// The browser gets a fresh temporary profile (removed afterwards) and flags
// that keep it from reaching out to the network on its own (test machines
// may have none; refused background connections only add noise and delay).
// It is closed when the test ends; if the test failed, a full-page screenshot
// is saved first (see Screenshot) and the tail of the browser's output is
// logged.
//
// Start the servers the page talks to before calling Browser, so that at
// cleanup the browser goes before them.
func Browser(t testing.TB, opts ...BrowserOption) context.Context {
	t.Helper()
	cfg := browserConfig{width: 1280, height: 800}
	for _, o := range opts {
		o(&cfg)
	}
	path := ChromiumPath()
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("Chromium is required when CI=true: install the chromium package (apt-get install -y chromium) or set CHROME_PATH")
		}
		t.Skip("Chromium not found: install the chromium package or set CHROME_PATH")
	}
	out := new(lockedBuffer)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), allocatorOptions(path, cfg, out)...)
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc() // waits for the process to exit and the profile to be removed
		if t.Failed() {
			t.Logf("chromium output (tail):\n%s", out.tail(2000))
		}
	})
	if err := start(ctx, cfg); err != nil {
		t.Fatalf("start %s: %v", path, err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			screenshotOnFailure(t, ctx)
		}
	})
	return ctx
}

func allocatorOptions(path string, cfg browserConfig, out *lockedBuffer) []chromedp.ExecAllocatorOption {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.CombinedOutput(out),
		chromedp.WindowSize(cfg.width, cfg.height),
		// chromedp creates the fresh --user-data-dir itself and removes
		// it after the browser and its helpers have exited.
	)
	for _, f := range []string{
		"headless", "no-sandbox", "disable-gpu", "disable-quic", "no-first-run",
		"disable-background-networking", "disable-component-update", "disable-sync",
		"disable-dev-shm-usage", "no-default-browser-check", "disable-extensions",
	} {
		opts = append(opts, chromedp.Flag(f, true))
	}
	return opts
}

// start launches the browser, opens its tab and sizes the viewport, giving up
// after BrowserStartTimeout. The launch cannot carry the deadline itself: the
// browser lives as long as the context of its first action.
//
// The viewport is set by emulation because headless Chromium subtracts an
// invisible toolbar from --window-size (900×600 gives a 900×457 page).
func start(ctx context.Context, cfg browserConfig) error {
	errc := make(chan error, 1)
	go func() { errc <- chromedp.Do(ctx, chromedp.EmulateViewport(int64(cfg.width), int64(cfg.height))) }()
	select {
	case err := <-errc:
		return err
	case <-time.After(BrowserStartTimeout):
		// The caller fails the test, whose cleanup cancels ctx and so
		// ends the goroutine.
		return fmt.Errorf("no tab after %v", BrowserStartTimeout)
	}
}

// lockedBuffer collects the browser's output, written from chromedp's
// goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) tail(n int) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.buf.String()
	if len(s) > n {
		s = s[len(s)-n:]
	}
	return s
}
