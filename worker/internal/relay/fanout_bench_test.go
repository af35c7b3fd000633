package relay

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"testing"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

// BenchmarkFanOut measures the relay's own cost of broadcasting one event to
// 10 000 clients in fast mode, writes excluded (the sink discards): what is
// left for the kernel's write calls, which the load generator (ssebench)
// measures end to end.
func BenchmarkFanOut(b *testing.B) {
	const clients = 10_000
	// New starts nothing and Run is not called: the benchmark drives the
	// shards itself, and its clients are not streams, so nothing is
	// entered and there is nothing to shut down (a Shutdown would wait for
	// streams that never end).
	s := New(nopLog{}, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	h := s.hubs[arena.ChannelPrices]
	sinks := make([]*countSink, clients)
	for i := range sinks {
		sinks[i] = &countSink{}
		c := &client{s: s, hub: h, sink: sinks[i], addr: strconv.Itoa(i), pos: arena.EventIDZero}
		h.register(c, "")
	}
	data, _ := json.Marshal(map[string]any{"symbol": "BTC", "price": "97000.5", "t": time.Now().UnixNano()})
	prev := arena.EventIDZero
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		id := fmt.Sprintf("%d-0", i+1)
		fs := h.framesOf(arena.EventBatch{Channel: arena.ChannelPrices, Prev: prev, Events: []arena.Event{{ID: id, Type: arena.EventPrices, Data: data}}})
		h.mu.Lock()
		h.append(fs[0])
		h.mu.Unlock()
		for _, sh := range h.shards {
			sh.flush()
		}
		prev = id
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/clients, "ns/client-event")
	for _, sk := range sinks {
		if sk.writes != b.N {
			b.Fatalf("a client got %d writes, want %d", sk.writes, b.N)
		}
	}
}

type countSink struct{ writes int }

func (s *countSink) tryWrite(b []byte) (int, error) { s.writes++; return len(b), nil }
func (s *countSink) write([]byte, time.Time) error  { s.writes++; return nil }
func (s *countSink) probe() bool                    { return false }
func (s *countSink) detached() bool                 { return true }
func (s *countSink) close()                         {}

type nopLog struct{}

func (nopLog) State(context.Context, arena.Channel) (json.RawMessage, string, error) {
	return nil, arena.EventIDZero, nil
}

func (nopLog) Since(context.Context, arena.Channel, string, int) ([]arena.Event, bool, error) {
	return nil, true, nil
}

func (nopLog) Follow(ctx context.Context, _ []arena.Channel, _ func(arena.EventBatch)) error {
	<-ctx.Done()
	return nil
}
