package exchange

import (
	"strings"
	"testing"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

// book around a mid: bid mid−0.1, ask mid+0.1, deep.
func (h *harness) around(sym arena.Symbol, mid string) {
	h.t.Helper()
	m := fx(mid)
	h.snap(sym, (m-fx("0.1")).String()+":1000", (m+fx("0.1")).String()+":1000")
}

func TestExitPlanTriggers(t *testing.T) {
	deadline := t0.Add(10 * time.Minute)
	tests := []struct {
		name    string
		side    arena.Side
		plan    arena.ExitPlan
		mids    []string // mids after opening at 100
		advance time.Duration
		want    arena.CloseTrigger
	}{
		{"long stop", arena.Long, arena.ExitPlan{Stop: fx("95"), Target: fx("110")}, []string{"97", "95"}, 0, arena.TriggerStop},
		{"long target", arena.Long, arena.ExitPlan{Stop: fx("95"), Target: fx("110")}, []string{"105", "110.5"}, 0, arena.TriggerTarget},
		{"short stop", arena.Short, arena.ExitPlan{Stop: fx("105"), Target: fx("90")}, []string{"103", "105.2"}, 0, arena.TriggerStop},
		{"short target", arena.Short, arena.ExitPlan{Stop: fx("105"), Target: fx("90")}, []string{"95", "89.9"}, 0, arena.TriggerTarget},
		{"long invalidation price", arena.Long, arena.ExitPlan{Stop: fx("90"), InvalidationPrice: fx("96"), Invalidation: "loses 96"}, []string{"98", "95.5"}, 0, arena.TriggerInvalidation},
		{"short invalidation price", arena.Short, arena.ExitPlan{InvalidationPrice: fx("104")}, []string{"104"}, 0, arena.TriggerInvalidation},
		{"time exit", arena.Long, arena.ExitPlan{Stop: fx("90"), TimeExit: deadline}, []string{"100"}, 11 * time.Minute, arena.TriggerTime},
		{"stop wins over invalidation in one update", arena.Long, arena.ExitPlan{Stop: fx("95"), InvalidationPrice: fx("97")}, []string{"94"}, 0, arena.TriggerStop},
		{"untouched plan does nothing", arena.Long, arena.ExitPlan{Stop: fx("95"), Target: fx("110")}, []string{"96", "109"}, 0, arena.TriggerNone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, nil)
			h.around("BTC", "100")
			req := mkt("o", tt.side, "1")
			req.ExitPlan = tt.plan
			h.mustSubmit(req)
			for _, m := range tt.mids {
				h.around("BTC", m)
			}
			if tt.advance > 0 {
				h.now = t0.Add(tt.advance - time.Second)
				h.around("BTC", tt.mids[len(tt.mids)-1]) // fresh book just before the deadline passes
				h.ex.Advance(t0.Add(tt.advance))
			}
			pos := h.positions("o")
			last := pos[len(pos)-1]
			if tt.want == arena.TriggerNone {
				if last.Status != arena.PositionOpen {
					t.Fatalf("closed: %+v", last)
				}
				return
			}
			if last.Status != arena.PositionClosed || last.CloseTrigger != tt.want {
				t.Fatalf("position %s %s, want CLOSED by %s", last.Status, last.CloseTrigger, tt.want)
			}
			for _, f := range h.fills("")[1:] {
				if f.Trigger != tt.want || !strings.HasPrefix(f.OrderID, "a:o#") {
					t.Errorf("closing fill %+v", f)
				}
			}
			h.checkLedger("a")
		})
	}
}

func TestTimeExitWaitsForAFreshBook(t *testing.T) {
	h := newHarness(t, nil)
	h.around("BTC", "100")
	req := mkt("o", arena.Long, "1")
	req.ExitPlan = arena.ExitPlan{TimeExit: t0.Add(time.Minute)}
	h.mustSubmit(req)
	h.ex.Advance(t0.Add(2 * time.Minute)) // book is 2 minutes old: stale
	if _, ok := h.position("a", "BTC"); !ok {
		t.Fatal("closed against a stale book")
	}
	h.now = t0.Add(2 * time.Minute)
	h.around("BTC", "99")
	if _, ok := h.position("a", "BTC"); ok {
		t.Fatal("time exit not retried on the next book update")
	}
	pos := h.positions("o")
	if last := pos[len(pos)-1]; last.CloseTrigger != arena.TriggerTime {
		t.Fatalf("closed by %s", last.CloseTrigger)
	}
}

func TestExitCloseRetriedWhenDepthRunsOut(t *testing.T) {
	h := newHarness(t, nil)
	h.around("BTC", "100")
	req := mkt("o", arena.Long, "3")
	req.ExitPlan = arena.ExitPlan{Stop: fx("95")}
	h.mustSubmit(req)
	h.snap("BTC", "94.9:1", "95.1:10") // stop reached, only 1 to sell into
	p, ok := h.position("a", "BTC")
	if !ok || p.Quantity != fx("2") {
		t.Fatalf("after a partial stop: %+v", p)
	}
	h.snap("BTC", "94.9:10", "95.1:10")
	if _, ok := h.position("a", "BTC"); ok {
		t.Fatal("stop not retried")
	}
	h.checkLedger("a")
}

func TestStopTightenOnly(t *testing.T) {
	tests := []struct {
		name    string
		side    arena.Side
		oldStop string
		newPlan arena.ExitPlan
		reason  string // "" accepted
	}{
		{"long raise", arena.Long, "95", arena.ExitPlan{Stop: fx("97")}, ""},
		{"long same", arena.Long, "95", arena.ExitPlan{Stop: fx("95"), Target: fx("120")}, ""},
		{"long widen", arena.Long, "95", arena.ExitPlan{Stop: fx("94")}, "only be raised"},
		{"long remove", arena.Long, "95", arena.ExitPlan{Target: fx("120")}, "cannot be removed"},
		{"short lower", arena.Short, "105", arena.ExitPlan{Stop: fx("103")}, ""},
		{"short widen", arena.Short, "105", arena.ExitPlan{Stop: fx("106")}, "only be lowered"},
		{"long stop above mark", arena.Long, "95", arena.ExitPlan{Stop: fx("100.5")}, "must be below the mark"},
		{"long target below mark", arena.Long, "95", arena.ExitPlan{Stop: fx("95"), Target: fx("99")}, "must be above the mark"},
		{"short stop below mark", arena.Short, "105", arena.ExitPlan{Stop: fx("99")}, "must be above the mark"},
		{"short target above mark", arena.Short, "105", arena.ExitPlan{Stop: fx("105"), Target: fx("101")}, "must be below the mark"},
		{"long invalidation above mark", arena.Long, "95", arena.ExitPlan{Stop: fx("95"), InvalidationPrice: fx("101")}, "must be below the mark"},
		{"time exit in the past", arena.Long, "95", arena.ExitPlan{Stop: fx("95"), TimeExit: t0}, "not in the future"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, nil)
			h.around("BTC", "100")
			req := mkt("o", tt.side, "1")
			req.ExitPlan = arena.ExitPlan{Stop: fx(tt.oldStop)}
			h.mustSubmit(req)
			p, err := h.ex.UpdateExitPlan(h.step(time.Millisecond), "a", "BTC", tt.newPlan)
			if tt.reason == "" {
				if err != nil || p.ExitPlan.Stop != tt.newPlan.Stop {
					t.Fatalf("rejected: %v", err)
				}
				return
			}
			if arena.ErrorCode(err) != arena.CodeRejected || !strings.Contains(err.Error(), tt.reason) {
				t.Fatalf("got %v, want a rejection containing %q", err, tt.reason)
			}
			if got, _ := h.position("a", "BTC"); got.ExitPlan.Stop != fx(tt.oldStop) {
				t.Fatalf("plan changed to %+v", got.ExitPlan)
			}
		})
	}
}

func TestUpdatedStopIsTheOneThatFires(t *testing.T) {
	h := newHarness(t, nil)
	h.around("BTC", "100")
	req := mkt("o", arena.Long, "1")
	req.ExitPlan = arena.ExitPlan{Stop: fx("90")}
	h.mustSubmit(req)
	if _, err := h.ex.UpdateExitPlan(h.step(1), "a", "BTC", arena.ExitPlan{Stop: fx("98")}); err != nil {
		t.Fatal(err)
	}
	h.around("BTC", "97.5")
	pos := h.positions("o")
	if last := pos[len(pos)-1]; last.Status != arena.PositionClosed || last.CloseTrigger != arena.TriggerStop {
		t.Fatalf("position %+v", last)
	}
	if got := len(h.ex.markets[0].below.items) + len(h.ex.markets[0].above.items); got != 0 {
		t.Fatalf("%d triggers left in the index after the close", got)
	}
}

func TestEntryRejectedForWrongSidePlan(t *testing.T) {
	h := newHarness(t, nil)
	h.around("BTC", "100")
	req := mkt("o", arena.Long, "1")
	req.ExitPlan = arena.ExitPlan{Stop: fx("101")}
	if _, err := h.submit(req); arena.ErrorCode(err) != arena.CodeRejected {
		t.Fatalf("got %v", err)
	}
	if len(h.fills("")) != 0 {
		t.Fatal("rejected order traded")
	}
}
