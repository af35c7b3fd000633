package season

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// scripted is an in-process OpenAI-compatible model for benchmarks: it
// opens a small BTC long when flat, closes it otherwise, and holds after a
// tool result, answering from the request alone.
type scripted struct{}

func (scripted) RoundTrip(req *http.Request) (*http.Response, error) {
	raw, _ := io.ReadAll(req.Body)
	var body struct {
		Messages []struct{ Content string } `json:"messages"`
	}
	if err := json.Unmarshal(raw, &body); err != nil || len(body.Messages) < 2 {
		return nil, fmt.Errorf("scripted: bad request")
	}
	name, args := "holding", `{"reason":"done"}`
	switch {
	case len(body.Messages) > 2:
	case strings.Contains(body.Messages[1].Content, "open_positions = 0"):
		name, args = "createPosition", `{"decisions":[{"symbol":"BTC","side":"LONG","quantity":0.0005,"leverage":2,"profit_target":200000,"stop_loss":50000,"invalidation_condition":"trend breaks","confidence":70}]}`
	default:
		name, args = "closePosition", `{"symbols":["BTC"]}`
	}
	a, _ := json.Marshal(args)
	resp := `{"id":"gen","object":"chat.completion","model":"m","choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant","content":"ok",` +
		`"tool_calls":[{"id":"call_1","type":"function","function":{"name":"` + name + `","arguments":` + string(a) + `}}]}}],` +
		`"usage":{"prompt_tokens":3000,"completion_tokens":80,"total_tokens":3080}}`
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(bytes.NewReader([]byte(resp))), Request: req}, nil
}

func anyKey(name string) string {
	if strings.HasSuffix(name, "_API_KEY") {
		return "bench-key"
	}
	return ""
}

// recorded24h is a recorded 24-hour season of the default line-up (21 LLM
// seats answered by scripted, 5 baselines) on a 500 ms synthetic feed.
var recorded24h = sync.OnceValues(func() (*recording, error) {
	start := time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)
	tb, err := SyntheticTape(context.Background(), 11, start, 500*time.Millisecond, 24*time.Hour+10*time.Minute)
	if err != nil {
		return nil, err
	}
	s, err := New(Plan{ID: "bench-24h", Tape: tb, Duration: 24 * time.Hour})
	if err != nil {
		return nil, err
	}
	began := time.Now()
	res, err := s.Run(context.Background(), RunOptions{Getenv: anyKey, Transport: scripted{}})
	if err != nil {
		return nil, err
	}
	rec := &recording{s: s, res: res, took: time.Since(began), calls: map[string][]Call{}}
	for _, c := range res.Calls {
		rec.calls[c.Entrant] = append(rec.calls[c.Entrant], c)
	}
	files, err := s.Files(res)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := Write(&buf, s.Manifest(res), files); err != nil {
		return nil, err
	}
	rec.bundle = buf.Len()
	return rec, nil
})

type recording struct {
	s      *Season
	res    *Result
	calls  map[string][]Call
	took   time.Duration
	bundle int
}

// BenchmarkReplay24h replays a recorded 24-hour season (26 entrants,
// 5-minute decisions, 500 ms feed) with no network; every replay must
// reproduce the recorded hash (run with -count 3 -cpu 1,2 for the
// determinism check across runs and GOMAXPROCS).
func BenchmarkReplay24h(b *testing.B) {
	rec, err := recorded24h()
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	var res *Result
	cpu0 := cpuTime()
	for range b.N {
		if res, err = rec.s.Run(context.Background(), RunOptions{Recorded: rec.calls, Replay: true}); err != nil {
			b.Fatal(err)
		}
		if res.Hash != rec.res.Hash {
			b.Fatalf("replay hash %s, recorded %s", res.Hash, rec.res.Hash)
		}
	}
	b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
	b.ReportMetric(float64(res.Slots), "slots")
	b.ReportMetric(float64(len(rec.s.Config.Entrants)), "entrants")
	b.ReportMetric(float64(rec.s.Config.Market.Messages), "feed-msgs")
	b.ReportMetric(float64(len(rec.res.Calls)), "model-calls")
	b.ReportMetric(float64(res.Timing.Feed.Milliseconds()), "feed-ms")
	b.ReportMetric(float64(res.Timing.Decide.Milliseconds()), "decide-ms")
	b.ReportMetric(float64(rec.bundle)/(1<<20), "bundle-MiB")
	b.ReportMetric(float64(rec.took.Milliseconds()), "record-run-ms")
	b.Logf("result %s", res.Hash)
}

// BenchmarkRunSlotBaselines is season run's cost per decision slot with 26
// baseline entrants (the five rules, each several times) on a 500 ms feed:
// ns/op is one slot, feed included; decide-ns/slot is the decisions alone.
func BenchmarkRunSlotBaselines(b *testing.B) {
	start := time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)
	tb, err := SyntheticTape(context.Background(), 12, start, 500*time.Millisecond, 2*time.Hour+10*time.Minute)
	if err != nil {
		b.Fatal(err)
	}
	s, err := New(Plan{ID: "bench-slot", Tape: tb, Duration: 2 * time.Hour, Roster: []byte("models: []\nbaselines: [buy-and-hold-btc, always-flat, momentum, mean-reversion, random]\n")})
	if err != nil {
		b.Fatal(err)
	}
	base := s.Config.Entrants
	s.Config.Entrants = nil
	for i := range 26 {
		e := base[i%len(base)]
		e.ID = fmt.Sprintf("%s-%d", e.ID, i)
		s.Config.Entrants = append(s.Config.Entrants, e)
	}
	b.ResetTimer()
	cpu0 := cpuTime()
	var slots int
	var decide, total time.Duration
	for range b.N {
		began := time.Now()
		res, err := s.Run(context.Background(), RunOptions{})
		if err != nil {
			b.Fatal(err)
		}
		total += time.Since(began)
		slots += res.Slots
		decide += res.Timing.Decide
	}
	b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/float64(slots), "cpu-ns/slot")
	b.ReportMetric(float64(total.Nanoseconds())/float64(slots), "ns/slot")
	b.ReportMetric(float64(decide.Nanoseconds())/float64(slots), "decide-ns/slot")

	// The decisions' own CPU time: one thread, measured per phase.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	phaseClock = func() time.Time { return time.Unix(0, int64(threadCPU())) }
	defer func() { phaseClock = time.Now }()
	res, err := s.Run(context.Background(), RunOptions{Parallel: 1})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(res.Timing.Decide.Nanoseconds())/float64(res.Slots), "decide-cpu-ns/slot")
	b.ReportMetric(float64(res.Timing.Feed.Nanoseconds())/float64(res.Slots), "feed-cpu-ns/slot")
}

// cpuTime is the process's user and system CPU time: on a shared machine
// it says more than the wall clock.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
