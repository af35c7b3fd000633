package testenv

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// FailOnPageErrors records, from now on, the uncaught exceptions and
// console.error calls of the tab of ctx (a context from Browser) and fails
// the test at its end if there were any. The returned func lists those seen
// so far, for failure messages. Network errors the browser logs by itself
// (a 500 from an API under test, say) are not page errors.
func FailOnPageErrors(t testing.TB, ctx context.Context) (seen func() []string) {
	t.Helper()
	var (
		mu   sync.Mutex
		errs []string
	)
	seen = func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), errs...)
	}
	lctx, stop := context.WithCancel(ctx)
	err := chromedp.Listen(lctx, func(ev any) {
		// Runs in chromedp's read loop: format and return.
		if s := pageError(ev); s != "" {
			mu.Lock()
			errs = append(errs, s)
			mu.Unlock()
		}
	})
	if err != nil {
		stop()
		t.Fatalf("listen for page errors: %v", err)
	}
	t.Cleanup(func() {
		stop()
		if errs := seen(); len(errs) > 0 {
			t.Errorf("JavaScript errors in the page:\n%s", strings.Join(errs, "\n"))
		}
	})
	return seen
}

func pageError(ev any) string {
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		desc := ""
		if d.Exception != nil {
			desc = d.Exception.Description
		}
		return fmt.Sprintf("exception: %s %s (%s:%d)", d.Text, desc, d.URL, d.LineNumber+1)
	case *runtime.EventConsoleAPICalled:
		if ev.Type != runtime.ConsoleAPICalledTypeError {
			return ""
		}
		parts := make([]string, 0, len(ev.Args))
		for _, a := range ev.Args {
			if len(a.Value) > 0 {
				parts = append(parts, string(a.Value))
			} else {
				parts = append(parts, a.Description)
			}
		}
		return "console.error: " + strings.Join(parts, " ")
	}
	return ""
}
