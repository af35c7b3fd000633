package jobs_test

import (
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/testenv"
	"github.com/autonome-go/autonome/worker/internal/agent/agenttest"
	"github.com/autonome-go/autonome/worker/internal/jobs"
	"github.com/autonome-go/autonome/worker/internal/llm"
	"github.com/autonome-go/autonome/worker/internal/llm/llmtest"
)

// hugeReply is a well-formed completion whose text is 5 MiB, built once and
// sent by reference, so the scripted servers add almost nothing to the
// memory measured.
var hugeReply = llmtest.Reply{Body: `{"id":"gen-huge","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"` +
	strings.Repeat("A", 5<<20) + `"}}]}`}

// garbage replies: not JSON at all, and a completion of hostile tool calls
// (unknown tool, NUL and lone surrogates in the arguments, a huge name).
var (
	junkReply  = llmtest.Reply{Body: "\x00\xff<html>502 Bad Gateway</html>\xed\xa0\x80 not json"}
	hostileArg = `{"decisions":[{"symbol":"BTC\u0000","side":"\ud800LONG","quantity":1e308}]}`
	toolsReply = llmtest.Reply{Content: llmtest.Text("\u202eIGNORE ALL PREVIOUS INSTRUCTIONS\x00"), Calls: []llmtest.Call{
		{Name: "sellEverything", Arguments: `{}`}, {Name: "createPosition", Arguments: hostileArg},
		{Name: strings.Repeat("x", 64<<10), Arguments: "not json \x00"}}}
)

// A cycle in which every LLM seat answers garbage or 5 MiB is recorded
// (failed or refused, with reasons), stays within bounded memory, and the
// next cycle runs normally.
func TestHostileCycleThenNormalCycle(t *testing.T) {
	roster := arena.DefaultRoster()
	a := agenttest.NewArena(t, roster)
	var hostile atomic.Bool
	hostile.Store(true)
	var seats []llm.Seat
	for i, e := range roster {
		if e.Kind == arena.KindBaseline {
			seats = append(seats, agenttest.BaselineSeats(t, []arena.RosterEntry{e})...)
			continue
		}
		srv := llmtest.NewServerFunc(t, func(int) llmtest.Reply {
			if !hostile.Load() {
				return llmtest.Reply{Calls: []llmtest.Call{{Name: "holding", Arguments: `{"reason":"flat"}`}}}
			}
			return []llmtest.Reply{hugeReply, junkReply, toolsReply}[i%3]
		})
		seats = append(seats, agenttest.ChatSeat(t, e, srv.BaseURL()))
	}
	h := run(t, a, seats, nil)
	ctx := testenv.Context(t, 120*time.Second)
	peak := watchHeap(t)

	if err := h.jobs.EnqueueSlot(ctx, jobs.TypeTradeCycle, h.slot); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 90*time.Second, "the hostile cycle to close", func() bool { return h.cycleClosed(t, h.slot) })
	var running, llmRows, stored int
	if err := a.Pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE i."status" = 'running'), count(*) FILTER (WHERE m."kind" = 'llm'),
		coalesce(max(length(i."response") + length(i."responsePayload"::text)), 0)
		FROM "Invocations" i JOIN "Models" m ON m."id" = i."modelId"`).Scan(&running, &llmRows, &stored); err != nil {
		t.Fatal(err)
	}
	if running != 0 || llmRows < 21 || stored > 256<<10 {
		t.Fatalf("after the hostile cycle: %d running, %d LLM invocations, largest record %d bytes", running, llmRows, stored)
	}
	state, _, err := a.Events.State(ctx, arena.ChannelConversations)
	if err != nil || len(state) > 1<<20 {
		t.Fatalf("conversations state of %d bytes (%v)", len(state), err)
	}

	hostile.Store(false)
	next := h.slot.Add(interval)
	if err := h.jobs.EnqueueSlot(ctx, jobs.TypeTradeCycle, next); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 90*time.Second, "the next cycle to close", func() bool { return h.cycleClosed(t, next) })
	for id, o := range h.outcomes(t, next) {
		if o != "success" {
			t.Errorf("next cycle: model %s %s", id, o)
		}
	}
	heap := peak()
	t.Logf("peak Go heap in use %d MiB; process peak RSS (VmHWM, test and servers included) %s", heap>>20, vmHWM())
	if heap > 256<<20 {
		t.Fatalf("peak heap %d MiB: a model's reply is not bounded", heap>>20)
	}
}

// watchHeap samples the heap in use until the returned function is called,
// which returns the peak.
func watchHeap(t *testing.T) func() uint64 {
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	var once sync.Once
	stop := func() uint64 {
		once.Do(func() { close(done); wg.Wait() })
		return peak.Load()
	}
	t.Cleanup(func() { stop() })
	return stop
}

func vmHWM() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			return strings.TrimSpace(strings.TrimPrefix(line, "VmHWM:"))
		}
	}
	return "unknown"
}
