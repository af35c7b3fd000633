package relay_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/relay"
)

// memLog is an event log in memory: the positions snapshot reflects event
// 1-0; event 2-0 is published once a client has read the snapshot.
type memLog struct {
	once      sync.Once
	connected chan struct{}
}

func (l *memLog) State(_ context.Context, ch arena.Channel) (json.RawMessage, string, error) {
	l.once.Do(func() { close(l.connected) })
	return json.RawMessage(`[{"symbol":"BTC","side":"LONG","quantity":0.1}]`), "1-0", nil
}

func (l *memLog) Since(context.Context, arena.Channel, string, int) ([]arena.Event, bool, error) {
	return nil, true, nil
}

func (l *memLog) Follow(ctx context.Context, _ []arena.Channel, deliver func(arena.EventBatch)) error {
	for _, ch := range arena.Channels() { // every channel is in sync from the start
		deliver(arena.EventBatch{Channel: ch, Prev: "1-0"})
	}
	select {
	case <-l.connected:
		deliver(arena.EventBatch{Channel: arena.ChannelPositions, Prev: "1-0", Events: []arena.Event{{ID: "2-0",
			Channel: arena.ChannelPositions, Type: "positions", Data: json.RawMessage(`[]`)}}})
	case <-ctx.Done():
	}
	<-ctx.Done()
	return nil
}

// A browser subscribes to a channel with EventSource: it gets the
// reconnection hint, the channel's current snapshot (with the id of the
// last event it reflects), then each live event with its id, which it
// sends back as Last-Event-ID to resume after a reconnect.
func Example() {
	srv := relay.New(&memLog{connected: make(chan struct{})}, relay.Options{Logger: slog.New(slog.DiscardHandler)})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	web := httptest.NewServer(srv.Handler())
	defer web.Close()

	resp, err := http.Get(web.URL + "/api/events/positions")
	if err != nil {
		panic(err)
	}
	fmt.Println(resp.Status, resp.Header.Get("Content-Type"))
	lines := bufio.NewReader(resp.Body)
	for {
		line, err := lines.ReadString('\n')
		if err == io.EOF {
			break
		}
		if line = strings.TrimRight(line, "\n"); line != "" {
			fmt.Println(line)
		}
		if line == "data: []" { // the live event
			break
		}
	}
	resp.Body.Close()
	cancel()
	<-done
	// Output:
	// 200 OK text/event-stream
	// retry: 2000
	// id: 1-0
	// data: [{"symbol":"BTC","side":"LONG","quantity":0.1}]
	// id: 2-0
	// data: []
}
