//go:build linux

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/autonome-go/autonome/shared/redis"
	"github.com/autonome-go/autonome/worker/internal/relay"
)

// relayInfo is the line the child prints once its relay follows every channel.
type relayInfo struct {
	Addr  string `json:"addr"`  // SSE listener
	Debug string `json:"debug"` // memory statistics listener
}

// memStats is the child's memory and CPU, after a forced GC.
type memStats struct {
	HeapInuse  uint64        `json:"heapInuse"`
	StackInuse uint64        `json:"stackInuse"`
	RSS        uint64        `json:"rss"`
	Goroutines int           `json:"goroutines"`
	CPU        time.Duration `json:"cpu"` // user + system since start
	Clients    int           `json:"clients"`
	Evicted    int64         `json:"evicted"`
}

// serveRelay is the child: a relay on loopback until stdin closes.
func serveRelay(ctx context.Context, cfg config, stdin io.Reader, stdout io.Writer) error {
	if err := raiseFileLimit(cfg.clients + 1024); err != nil {
		return err
	}
	rdb, err := redis.Open(cfg.redisURL)
	if err != nil {
		return err
	}
	defer rdb.Close()
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	log := redis.NewEventLog(rdb, redis.EventLogOptions{Prefix: cfg.prefix, Logger: logger})
	srv := relay.New(log, relay.Options{MaxClients: cfg.clients + 1024, MaxClientsPerIP: -1, Logger: logger, PlainStreams: cfg.plain})

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	dln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	dmux := http.NewServeMux()
	dmux.Handle("/", memHandler(srv))
	dmux.HandleFunc("/debug/pprof/", pprof.Index)
	dmux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	ds := &http.Server{Handler: dmux, ReadHeaderTimeout: 10 * time.Second}

	ctx, cancel := context.WithCancel(ctx)
	go func() { _, _ = io.Copy(io.Discard, stdin); cancel() }() // the parent closes stdin to stop us
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return srv.Run(gctx) })
	g.Go(func() error { return serveUntil(gctx, hs, ln, srv) })
	g.Go(func() error { return serveUntil(gctx, ds, dln, nil) })
	select {
	case <-srv.Ready():
		info, _ := json.Marshal(relayInfo{Addr: ln.Addr().String(), Debug: dln.Addr().String()})
		fmt.Fprintf(stdout, "%s\n", info)
	case <-gctx.Done():
	}
	return g.Wait()
}

// serveUntil serves until ctx is done, then shuts the relay (if any) and the server down.
func serveUntil(ctx context.Context, hs *http.Server, ln net.Listener, srv *relay.Server) error {
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if srv != nil {
		_ = srv.Shutdown(sctx)
	}
	return hs.Shutdown(sctx)
}

func memHandler(srv *relay.Server) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		runtime.GC()
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		st := srv.Stats()
		_ = json.NewEncoder(w).Encode(memStats{
			HeapInuse: ms.HeapInuse, StackInuse: ms.StackInuse, RSS: selfRSS(),
			Goroutines: runtime.NumGoroutine(), CPU: cpuTime(), Clients: st.Clients, Evicted: st.Evicted,
		})
	})
}

// selfRSS reads VmRSS from /proc (0 where there is none).
func selfRSS() uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// relayProc is the child process as the parent sees it.
type relayProc struct {
	cmd   *exec.Cmd
	stdin io.Closer
	info  relayInfo
	done  chan error
}

// startRelay starts the child and waits for its relay to be ready.
func startRelay(ctx context.Context, cfg config, prefix string) (*relayProc, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("start relay: %w", err)
	}
	cmd := exec.Command(exe, "-serve-relay", "-redis", cfg.redisURL, "-prefix", prefix, "-clients", strconv.Itoa(cfg.clients), "-plain="+strconv.FormatBool(cfg.plain))
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("start relay: %w", err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("start relay: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start relay: %w", err)
	}
	p := &relayProc{cmd: cmd, stdin: stdin, done: make(chan error, 1)}
	lines := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		lines <- line
		_, _ = io.Copy(io.Discard, stdout)
	}()
	go func() { p.done <- cmd.Wait() }()
	select {
	case line := <-lines:
		if err := json.Unmarshal([]byte(line), &p.info); err != nil || p.info.Addr == "" {
			p.stop()
			return nil, fmt.Errorf("start relay: bad ready line %q", line)
		}
		fmt.Fprintf(os.Stderr, "relay pid %d, profiles at http://%s/debug/pprof/\n", cmd.Process.Pid, p.info.Debug)
		return p, nil
	case <-time.After(15 * time.Second):
	case <-ctx.Done():
	}
	p.stop()
	return nil, errors.New("start relay: not ready within 15 s")
}

// stop asks the child to shut down (closing its stdin) and kills it if it
// has not exited after 15 s.
func (p *relayProc) stop() {
	_ = p.stdin.Close()
	select {
	case <-p.done:
	case <-time.After(15 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

func (p *relayProc) mem(ctx context.Context) (memStats, error) {
	var ms memStats
	req, err := http.NewRequestWithContext(ctx, "GET", "http://"+p.info.Debug+"/", nil)
	if err != nil {
		return ms, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return ms, fmt.Errorf("read relay memory: %w", err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&ms); err != nil {
		return ms, fmt.Errorf("read relay memory: %w", err)
	}
	return ms, nil
}
