package e2e

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/autonome-go/autonome/shared/testenv"
)

// from returns an HTTP client whose connections come from ip (any
// 127.x.y.z is this machine's loopback on Linux): a distinct client address
// for everything behind the gateway.
func from(ip string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
	return &http.Client{Transport: &http.Transport{DialContext: d.DialContext, DisableKeepAlives: true}}
}

// 100 different clients behind the gateway `make run` starts, as behind
// the proxy the README recommends: each gets its own per-address limits.
// Every one holds an event stream at once (the relay's per-address cap is
// 32; before, the gateway's own address was everyone's and the 33rd client
// was refused), and one client hammering the API until it is limited does
// not limit another.
func TestClientsBehindTheGatewayHaveTheirOwnLimits(t *testing.T) {
	s := StartStack(t, "TRADE_INTERVAL=24h", "SSE_MAX_CLIENTS_PER_IP=32", "RATE_LIMIT_RPS=5", "RATE_LIMIT_BURST=10")
	ctx := testenv.Context(t, 2*time.Minute)

	const clients = 100
	var wg sync.WaitGroup
	var mu sync.Mutex
	refused := map[int]int{}
	open := make(chan struct{})
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/api/events/prices", nil)
			resp, err := from(fmt.Sprintf("127.0.1.%d", i+1)).Do(req)
			if err != nil {
				mu.Lock()
				refused[-1]++
				mu.Unlock()
				return
			}
			defer resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				mu.Lock()
				refused[resp.StatusCode]++
				mu.Unlock()
				return
			}
			<-open // hold the stream until every client has tried
		}()
	}
	waitUntil(t, ctx, func() bool { return relayClients(t, s)+refusedCount(&mu, refused) >= clients })
	held := relayClients(t, s)
	close(open)
	wg.Wait()
	if held != clients || len(refused) > 0 {
		t.Fatalf("%d of %d clients held a stream through the gateway; refused (status: count) %v", held, clients, refused)
	}

	hammer, other := from("127.0.2.1"), from("127.0.2.2")
	post := func(c *http.Client) int {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+"/api/rpc/variants/getVariants", strings.NewReader(`{"json":{}}`))
		req.Header.Set("Content-Type", "application/json")
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	limited := false
	for range 200 {
		if post(hammer) == http.StatusTooManyRequests {
			limited = true
			break
		}
	}
	if !limited {
		t.Fatal("the hammering client was never limited")
	}
	for i := range 5 {
		if code := post(other); code != http.StatusOK {
			t.Fatalf("another client's request %d while the first is limited: %d", i, code)
		}
	}
}

func refusedCount(mu *sync.Mutex, m map[int]int) int {
	mu.Lock()
	defer mu.Unlock()
	n := 0
	for _, c := range m {
		n += c
	}
	return n
}

// relayClients reads the relay's open stream count from its metrics.
func relayClients(t *testing.T, s *Stack) int {
	t.Helper()
	return int(testenv.Scrape(t, "http://"+s.relayAddr+"/metrics", "").Value("autonome_sse_clients"))
}

func waitUntil(t *testing.T, ctx context.Context, cond func() bool) {
	t.Helper()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatal("condition not reached in time")
		case <-time.After(100 * time.Millisecond):
		}
	}
}
