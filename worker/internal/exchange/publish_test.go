package exchange

import (
	"testing"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

// A command that fails still publishes what advancing the clock executed:
// a pending order that came due fills and is recorded at once.
func TestFailedCommandsPublishWhatTheClockExecuted(t *testing.T) {
	for name, fail := range map[string]func(h *harness) error{
		"submit": func(h *harness) error { _, err := h.submit(mkt("bad", arena.Long, "0")); return err },
		"cancel": func(h *harness) error { _, err := h.ex.CancelOrder(h.step(time.Millisecond), "a", "nope"); return err },
		"exit plan": func(h *harness) error {
			_, err := h.ex.UpdateExitPlan(h.step(time.Millisecond), "a", "ETH", arena.ExitPlan{})
			return err
		},
		"reset": func(h *harness) error { return h.ex.ResetAccount(h.step(time.Millisecond), "nobody") },
	} {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, func(c *Config) { c.TakerLatency = 100 * time.Millisecond })
			h.snap("BTC", "99.9:50", "100:50")
			h.snap("ETH", "9.99:50", "10:50")
			h.mustSubmit(mkt("p", arena.Long, "1"))
			h.rec.Drain()
			h.step(200 * time.Millisecond)
			if err := fail(h); err == nil {
				t.Fatal("the command did not fail")
			}
			filled := false
			for _, b := range h.rec.Batches() {
				for _, o := range b.Orders {
					filled = filled || (o.OrderID == "p" && o.State == arena.OrderFilled)
				}
			}
			if !filled {
				t.Fatal("the pending order that came due was not published")
			}
		})
	}
}
