//go:build linux

package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"sync"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/redis"
)

// benchChannel carries the benchmark's events: prices, the busiest stream.
const benchChannel = arena.ChannelPrices

// payload is a benchmark event: its sequence number and publish time.
type payload struct {
	Seq  int64  `json:"seq"`
	T    int64  `json:"t"` // unix ns when Publish was called
	Rows string `json:"pad"`
}

func bench(ctx context.Context, cfg config, progress io.Writer) (*result, error) {
	if err := raiseFileLimit(cfg.clients + 1024); err != nil {
		return nil, err
	}
	// The clients' garbage is small and short-lived; collecting it less often
	// leaves more of the shared CPU to the relay under test.
	debug.SetGCPercent(400)
	rdb, err := redis.Open(cfg.redisURL)
	if err != nil {
		return nil, err
	}
	defer rdb.Close()
	if err := redis.Ping(ctx, rdb); err != nil {
		return nil, err
	}
	prefix := cfg.prefix
	if prefix == "" {
		prefix = randomPrefix()
		defer cleanup(rdb, prefix)
	}
	log := redis.NewEventLog(rdb, redis.EventLogOptions{Prefix: prefix})

	addr, proc, err := target(ctx, cfg, prefix)
	if err != nil {
		return nil, err
	}
	if proc != nil {
		defer proc.stop()
	}
	res := &result{cfg: cfg}
	if proc != nil {
		if res.memBefore, err = proc.mem(ctx); err != nil {
			return nil, err
		}
	}

	var t tally
	var lat histogram
	fmt.Fprintf(progress, "connecting %d clients to %s ...\n", cfg.clients, addr)
	ramp, closeClients, err := connectAll(ctx, cfg, addr, &t, &lat)
	res.rampTime = ramp
	if closeClients != nil {
		defer closeClients()
	}
	if err != nil {
		return nil, err
	}
	res.connected, res.failed = t.connected.Load(), t.failed.Load()
	if res.connected == 0 {
		return nil, errors.New("no client connected")
	}
	time.Sleep(2 * time.Second) // let connection setup garbage settle
	if proc != nil {
		if res.memConnected, err = proc.mem(ctx); err != nil {
			return nil, err
		}
	}

	fmt.Fprintf(progress, "publishing %.0f events/s for %s ...\n", cfg.rate, cfg.duration)
	stopProfile, err := startProfile(cfg.cpuProfile)
	if err != nil {
		return nil, err
	}
	cpu0 := cpuTime()
	res.published, res.publishErrors = publish(ctx, cfg, log)
	res.selfCPU = cpuTime() - cpu0
	stopProfile()
	res.publishTime = cfg.duration
	waitDelivered(ctx, &t, res.published*res.connected, 5*time.Second)

	res.received, res.outOfOrder, res.dropped = t.received.Load(), t.outOfOrder.Load(), t.dropped.Load()
	res.p50, res.p99, res.max = lat.quantile(0.50), lat.quantile(0.99), lat.maxValue()
	if proc != nil {
		if res.memEnd, err = proc.mem(ctx); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// target returns the relay address to connect to, starting a relay child
// process unless -relay names one.
func target(ctx context.Context, cfg config, prefix string) (string, *relayProc, error) {
	if cfg.relayURL != "" {
		u, err := url.Parse(cfg.relayURL)
		if err != nil || u.Host == "" {
			return "", nil, fmt.Errorf("bad -relay URL %q", cfg.relayURL)
		}
		return u.Host, nil, nil
	}
	p, err := startRelay(ctx, cfg, prefix)
	if err != nil {
		return "", nil, err
	}
	return p.info.Addr, p, nil
}

// connectAll opens the streams at cfg.connectRate, hands them to pollers
// (one per CPU) and returns once every one is up or failed, with a function
// closing them all.
func connectAll(ctx context.Context, cfg config, addr string, t *tally, lat *histogram) (time.Duration, func(), error) {
	pollers := make([]*poller, runtime.GOMAXPROCS(0))
	for i := range pollers {
		p, err := newPoller(lat, t)
		if err != nil {
			return 0, nil, fmt.Errorf("start poller: %w", err)
		}
		pollers[i] = p
	}
	closeAll := func() {
		for _, p := range pollers {
			p.close()
		}
	}
	start := time.Now()
	inflight := make(chan struct{}, 512)
	tick := time.NewTicker(time.Second / time.Duration(cfg.connectRate))
	defer tick.Stop()
	request := []byte("GET /api/events/" + string(benchChannel) + " HTTP/1.1\r\nHost: relay\r\nAccept: text/event-stream\r\n\r\n")
	var wg sync.WaitGroup
	for i := range cfg.clients {
		select {
		case <-ctx.Done():
			wg.Wait()
			return time.Since(start), closeAll, ctx.Err()
		case <-tick.C:
		}
		inflight <- struct{}{}
		p := pollers[i%len(pollers)]
		wg.Go(func() {
			if err := dialStream(ctx, p, addr, request, func() { <-inflight }); err != nil {
				t.failed.Add(1)
				<-inflight
			}
		})
	}
	wg.Wait()
	for range cap(inflight) { // wait for the last streams to come up
		inflight <- struct{}{}
	}
	return time.Since(start), closeAll, nil
}

// dialStream connects, sends the request and hands the connection to p.
func dialStream(ctx context.Context, p *poller, addr string, request []byte, ready func()) error {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	if _, err := conn.Write(request); err != nil {
		conn.Close()
		return err
	}
	if err := p.add(conn, sync.OnceFunc(ready)); err != nil {
		conn.Close()
		return err
	}
	return nil
}

// publish sends events at cfg.rate for cfg.duration.
func publish(ctx context.Context, cfg config, log *redis.EventLog) (published, failed int64) {
	pad := strings.Repeat("x", cfg.payload)
	tick := time.NewTicker(time.Duration(float64(time.Second) / cfg.rate))
	defer tick.Stop()
	end := time.After(cfg.duration)
	for seq := int64(1); ; seq++ {
		select {
		case <-ctx.Done():
			return published, failed
		case <-end:
			return published, failed
		case <-tick.C:
		}
		p := payload{Seq: seq, T: time.Now().UnixNano(), Rows: pad}
		if _, err := log.Publish(ctx, benchChannel, arena.EventPrices, p); err != nil {
			failed++
			continue
		}
		published++
	}
}

// waitDelivered waits until want events were received, or for at most d.
func waitDelivered(ctx context.Context, t *tally, want int64, d time.Duration) {
	deadline := time.Now().Add(d)
	for t.received.Load() < want && time.Now().Before(deadline) && ctx.Err() == nil {
		time.Sleep(10 * time.Millisecond)
	}
}

func randomPrefix() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return "ssebench:" + hex.EncodeToString(b[:]) + ":"
}

// cleanup deletes the benchmark's keys.
func cleanup(rdb *goredis.Client, prefix string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	iter := rdb.Scan(ctx, 0, prefix+"*", 100).Iterator()
	for iter.Next(ctx) {
		rdb.Del(ctx, iter.Val())
	}
}

// startProfile starts a CPU profile into path ("" for none) and returns its stop.
func startProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("create profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("start profile: %w", err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
