package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/redis"
	"github.com/autonome-go/autonome/shared/testenv"
)

// BenchmarkColdStart measures, for the built binary, the time from starting
// the process to the first answered procedure call (trading.getCryptoPrices,
// which reads Redis only): runtime start, configuration, handler
// construction and listening. The database pool is lazy, so no database
// dial is part of it (the target: < 100 ms).
func BenchmarkColdStart(b *testing.B) {
	rdb, prefix := testenv.Redis(b)
	_, dbURL := testenv.Postgres(b)
	now := time.Now()
	if err := redis.NewMarks(rdb, prefix).Set(context.Background(), []arena.Price{{Symbol: "BTC", Price: arena.MustFixed("97000"), Time: now}}); err != nil {
		b.Fatal(err)
	}
	bin := filepath.Join(b.TempDir(), "rpc")
	build := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("build: %v\n%s", err, out)
	}
	var lat []time.Duration
	for i := 0; i < b.N; i++ {
		lat = append(lat, coldStart(b, bin, dbURL, prefix))
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2])/1e6, "p50-ms")
	b.ReportMetric(float64(lat[min(len(lat)-1, len(lat)*99/100)])/1e6, "p99-ms")
}

func coldStart(b *testing.B, bin, dbURL, prefix string) time.Duration {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "API_ADDR="+addr, "DATABASE_URL="+dbURL, "REDIS_URL="+testenv.RedisURL(),
		"REDIS_PREFIX="+prefix, "LOG_LEVEL=error", "AWS_LAMBDA_RUNTIME_API=")
	client := &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	url := fmt.Sprintf("http://%s/api/rpc/trading/getCryptoPrices", addr)
	start := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	}()
	for time.Since(start) < 5*time.Second {
		resp, err := client.Post(url, "application/json", strings.NewReader(`{"json":{}}`))
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Fatalf("first answer: status %d", resp.StatusCode)
			}
			return time.Since(start)
		}
		time.Sleep(200 * time.Microsecond)
	}
	b.Fatal("the API did not answer within 5 s")
	return 0
}
