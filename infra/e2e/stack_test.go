package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/autonome-go/autonome/shared/testenv"
)

var (
	buildOnce sync.Once
	binDir    string
	buildErr  error
)

// binaries builds the four binaries once per test process.
func binaries(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "autonome-e2e-bin-")
		if buildErr != nil {
			return
		}
		cmd := exec.Command("go", "build", "-race", "-o", binDir+"/",
			"github.com/autonome-go/autonome/worker/cmd/worker", "github.com/autonome-go/autonome/worker/cmd/relay",
			"github.com/autonome-go/autonome/functions/rpc", "github.com/autonome-go/autonome/infra/gateway")
		out, err := cmd.CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binDir
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// proc is one running binary.
type proc struct {
	name string
	path string
	env  []string
	cmd  *exec.Cmd
	log  *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func (p *proc) start(t *testing.T, args ...string) {
	t.Helper()
	p.cmd = exec.Command(p.path, args...)
	p.cmd.Env = p.env
	p.cmd.Stdout, p.cmd.Stderr = p.log, p.log
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", p.name, err)
	}
}

// kill sends sig and waits for the process to exit.
func (p *proc) kill(sig syscall.Signal) {
	if p.cmd == nil || p.cmd.Process == nil {
		return
	}
	_ = p.cmd.Process.Signal(sig)
	done := make(chan struct{})
	go func() { _ = p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		_ = p.cmd.Process.Kill()
		<-done
	}
	p.cmd = nil
}

// Stack is the whole arena on loopback ports.
type Stack struct {
	URL        string // the gateway: dashboard, /api/rpc, /api/events
	AdminToken string
	DBURL      string
	prefix     string // Redis key prefix of this stack
	adminAddr  string // the worker's admin listener
	apiAddr    string // the API's own listener (metrics)
	relayAddr  string // the relay's own listener (metrics)
	Worker     *proc
	Relay      *proc
	API        *proc
	Gateway    *proc
}

// StartStack migrates and seeds a fresh database, then starts the worker,
// relay, API and gateway. extra adds environment (e.g. TRADE_INTERVAL).
func StartStack(t *testing.T, extra ...string) *Stack {
	t.Helper()
	_, dbURL := testenv.Postgres(t)
	_, prefix := testenv.Redis(t)
	return startStackOn(t, dbURL, testenv.RedisURL(), prefix, extra...)
}

// startStackOn is StartStack on the given database (migrated and seeded
// here) and Redis.
func startStackOn(t *testing.T, dbURL, redisURL, prefix string, extra ...string) *Stack {
	t.Helper()
	bin := binaries(t)
	relayAddr, apiAddr, gwAddr, adminAddr := freeAddr(t), freeAddr(t), freeAddr(t), freeAddr(t)
	s := &Stack{URL: "http://" + gwAddr, AdminToken: "e2e-" + testenv.UniqueName(""), DBURL: dbURL, prefix: prefix, adminAddr: adminAddr,
		apiAddr: apiAddr, relayAddr: relayAddr}
	env := append(os.Environ(),
		"DATABASE_URL="+dbURL, "REDIS_URL="+redisURL, "REDIS_PREFIX="+prefix,
		"RELAY_ADDR="+relayAddr, "API_ADDR="+apiAddr, "GATEWAY_ADDR="+gwAddr, "WORKER_ADMIN_ADDR="+adminAddr,
		"GATEWAY_API_URL=http://"+apiAddr, "GATEWAY_RELAY_URL=http://"+relayAddr,
		"ADMIN_TOKEN="+s.AdminToken, "TRUSTED_PROXIES=127.0.0.1/32,::1/128", "LOG_LEVEL=debug", "FEED_TICK=200ms", "SIM_REFRESH_INTERVAL=1s",
	)
	env = append(env, extra...)
	mk := func(name string) *proc {
		return &proc{name: name, path: filepath.Join(bin, name), env: env, log: &syncBuffer{}}
	}
	s.Worker, s.Relay, s.API, s.Gateway = mk("worker"), mk("relay"), mk("rpc"), mk("gateway")
	for _, sub := range []string{"migrate", "seed"} {
		cmd := exec.Command(s.Worker.path, sub)
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("worker %s: %v\n%s", sub, err, out)
		}
	}
	for _, p := range []*proc{s.Worker, s.Relay, s.API, s.Gateway} {
		p.start(t)
	}
	t.Cleanup(func() {
		for _, p := range []*proc{s.Gateway, s.API, s.Relay, s.Worker} {
			p.kill(syscall.SIGTERM)
		}
		if t.Failed() {
			for _, p := range []*proc{s.Worker, s.Relay, s.API, s.Gateway} {
				t.Logf("---- %s log (tail) ----\n%s", p.name, tail(p.log.String(), 4000))
			}
		}
	})
	waitHTTP(t, s.URL+"/healthz", 60*time.Second)
	waitHTTP(t, "http://"+relayAddr+"/healthz", 60*time.Second)
	return s
}

// waitHTTP polls url until it answers 200.
func waitHTTP(t *testing.T, url string, d time.Duration) {
	t.Helper()
	testenv.WaitFor(t, d, func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return fmt.Errorf("%s: %w", url, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("%s answered %d, want 200", url, resp.StatusCode)
		}
		return nil
	})
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}
