package testenv

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// ArtifactsDir returns where tests leave files for people to look at:
// $TEST_ARTIFACTS_DIR (created if missing), else the test's t.TempDir().
func ArtifactsDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("TEST_ARTIFACTS_DIR")
	if dir == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("create TEST_ARTIFACTS_DIR: %v", err)
	}
	return dir
}

// Screenshot saves a full-page PNG of the tab of ctx (a context from Browser)
// as ArtifactsDir/{test name}-{name}.png and returns the path.
func Screenshot(t testing.TB, ctx context.Context, name string) string {
	t.Helper()
	path := filepath.Join(ArtifactsDir(t), fileName(t.Name()+"-"+name)+".png")
	if err := saveScreenshot(ctx, path); err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	return path
}

// screenshotOnFailure saves the page as it was when the test failed. Without
// TEST_ARTIFACTS_DIR it goes to a new directory under the system's temporary
// one, kept after the test (a t.TempDir would be gone before anyone looks).
func screenshotOnFailure(t testing.TB, ctx context.Context) {
	dir := os.Getenv("TEST_ARTIFACTS_DIR")
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "browser-failure-"); err != nil {
			t.Logf("no screenshot of the failure: %v", err)
			return
		}
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Logf("no screenshot of the failure: %v", err)
		return
	}
	path := filepath.Join(dir, fileName(t.Name()+"-failure")+".png")
	if err := saveScreenshot(ctx, path); err != nil {
		t.Logf("no screenshot of the failure: %v", err)
		return
	}
	t.Logf("screenshot of the page at the failure: %s", path)
}

func saveScreenshot(ctx context.Context, path string) error {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, fullPagePNG())
	if err != nil {
		return err
	}
	return os.WriteFile(path, png, 0o644)
}

// fileName makes s safe as a file name (test names contain slashes).
func fileName(s string) string {
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune(`/\:*?"<>| `, r) {
			return '_'
		}
		return r
	}, s)
}

// fullPagePNG captures the whole document, not only the viewport.
func fullPagePNG() chromedp.Action[[]byte] {
	return func(ctx context.Context, t *chromedp.Target) ([]byte, error) {
		m, err := cdp.Call(ctx, t, page.GetLayoutMetrics, cdp.Empty{})
		if err != nil {
			return nil, fmt.Errorf("layout metrics: %w", err)
		}
		if m.CSSContentSize == nil || m.CSSLayoutViewport == nil {
			return nil, fmt.Errorf("layout metrics: no content or viewport size")
		}
		// A page shorter than the window is shot at the window's size.
		w := max(math.Ceil(m.CSSContentSize.Width), float64(m.CSSLayoutViewport.ClientWidth))
		h := max(math.Ceil(m.CSSContentSize.Height), float64(m.CSSLayoutViewport.ClientHeight))
		beyond := true
		r, err := cdp.Call(ctx, t, page.CaptureScreenshot, page.CaptureScreenshotParams{
			Format:                page.CaptureScreenshotFormatPng,
			CaptureBeyondViewport: &beyond,
			Clip: &page.Viewport{
				Width:  w,
				Height: h,
				Scale:  1,
			},
		})
		if err != nil {
			return nil, fmt.Errorf("capture: %w", err)
		}
		return r.Data, nil
	}
}
