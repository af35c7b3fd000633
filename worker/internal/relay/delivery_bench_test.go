package relay_test

import (
	"bufio"
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/relay"
)

// BenchmarkDelivery is the short, in-process version of make bench-sse: 200
// SSE clients over loopback, one prices event per iteration, the next sent
// once every client has read the last. It reports the time for an event to
// reach all of them and the p99 of each client's delivery latency, for the
// connection takeover and for plain streams (a goroutine per client writing
// through http.ResponseWriter). The 10 000-client figures and memory per
// client come from make bench-sse; here the readers share the process.
func BenchmarkDelivery(b *testing.B) {
	for _, plain := range []bool{false, true} {
		name := "takeover"
		if plain {
			name = "plain"
		}
		b.Run(name, func(b *testing.B) { benchDelivery(b, 200, plain) })
	}
}

func benchDelivery(b *testing.B, clients int, plain bool) {
	log := &pushLog{batches: make(chan arena.EventBatch, 1)}
	srv := relay.New(log, relay.Options{Logger: slog.New(slog.DiscardHandler), PlainStreams: plain, MaxClientsPerIP: clients})
	web := httptest.NewServer(srv.Handler())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	defer func() {
		_ = srv.Shutdown(context.Background())
		web.Close()
		cancel()
		if err := <-done; err != nil {
			b.Errorf("Run: %v", err)
		}
	}()
	<-srv.Ready()

	var sentAt atomic.Int64
	var remaining atomic.Int64
	arrived := make(chan struct{}, 1)
	lat := make([][]time.Duration, clients)
	remaining.Store(int64(clients))
	for i := range clients {
		conn := dialStream(b, web.Listener.Addr().String())
		defer conn.Close()
		go func() { // ends when its connection is closed
			r := bufio.NewReader(conn)
			ready := false
			for {
				line, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if !ready && strings.HasPrefix(line, "id: ") { // the snapshot's position: registered
					ready = true
					if remaining.Add(-1) == 0 {
						arrived <- struct{}{}
					}
					continue
				}
				if !strings.HasPrefix(line, "data: ") {
					continue
				}
				lat[i] = append(lat[i], time.Duration(time.Now().UnixNano()-sentAt.Load()))
				if remaining.Add(-1) == 0 {
					arrived <- struct{}{}
				}
			}
		}()
	}
	// Every client is live once it has its snapshot's position.
	prev := "1-0"
	publish := func(n int) {
		id := strconv.Itoa(n) + "-0"
		sentAt.Store(time.Now().UnixNano())
		log.batches <- arena.EventBatch{Channel: arena.ChannelPrices, Prev: prev, Events: []arena.Event{{ID: id,
			Channel: arena.ChannelPrices, Type: arena.EventPrices, Data: json.RawMessage(`{"symbol":"BTC","price":"97000.5"}`)}}}
		prev = id
	}
	waitAll := func() {
		select {
		case <-arrived:
		case <-time.After(time.Minute):
			b.Fatalf("%d of %d clients did not get their stream or an event within a minute", remaining.Load(), clients)
		}
	}
	waitAll()
	b.ResetTimer()
	for i := range b.N {
		remaining.Store(int64(clients))
		publish(i + 2)
		waitAll()
	}
	b.StopTimer()
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	if len(all) != b.N*clients {
		b.Fatalf("%d deliveries, want %d", len(all), b.N*clients)
	}
	slices.Sort(all)
	b.ReportMetric(float64(all[len(all)*99/100].Microseconds()), "p99-µs")
	b.ReportMetric(float64(all[len(all)/2].Microseconds()), "p50-µs")
}

// dialStream opens one prices stream with a raw HTTP/1.1 request; the
// response is read line by line (plain streams are chunked, and every event
// is one chunk, so its lines still start lines).
func dialStream(b *testing.B, addr string) net.Conn {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		b.Fatalf("dial: %v", err)
	}
	req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/api/events/"+string(arena.ChannelPrices), nil)
	if err := req.Write(conn); err != nil {
		b.Fatalf("request: %v", err)
	}
	return conn
}

// pushLog is an event log in memory whose live events the benchmark pushes.
type pushLog struct{ batches chan arena.EventBatch }

func (l *pushLog) State(context.Context, arena.Channel) (json.RawMessage, string, error) {
	return nil, "1-0", nil
}

func (l *pushLog) Since(context.Context, arena.Channel, string, int) ([]arena.Event, bool, error) {
	return nil, true, nil
}

func (l *pushLog) Follow(ctx context.Context, _ []arena.Channel, deliver func(arena.EventBatch)) error {
	for _, ch := range arena.Channels() {
		deliver(arena.EventBatch{Channel: ch, Prev: "1-0"})
	}
	for {
		select {
		case b := <-l.batches:
			deliver(b)
		case <-ctx.Done():
			return nil
		}
	}
}
