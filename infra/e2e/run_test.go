package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/autonome-go/autonome/shared/commands"
	"github.com/autonome-go/autonome/shared/postgres"
	"github.com/autonome-go/autonome/shared/redis"
	"github.com/autonome-go/autonome/shared/testenv"
)

// Ctrl-C on `make run` while orders are in flight: the terminal sends
// SIGINT to the script's whole process group. Every order sent before it is
// answered with its outcome (none is cut off with a gateway error or a
// reset connection, as when the log pipes died first and the draining API
// died of SIGPIPE), the ledger holds each one, and the script reports it
// stopped. It runs the real infra/local/run.sh (binaries built into bin/)
// on this test's database and Redis prefix.
func TestMakeRunDrainsOnCtrlC(t *testing.T) {
	_, dbURL := testenv.Postgres(t)
	_, prefix := testenv.Redis(t)
	gw, api, relay, admin := freeAddr(t), freeAddr(t), freeAddr(t), freeAddr(t)
	token := "run-" + testenv.UniqueName("")
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..")
	cmd := exec.Command("bash", "infra/local/run.sh")
	cmd.Dir = root
	seasonDir := t.TempDir() // not the checkout's .run/season, which make run shows on its Seasons page
	cmd.Env = append(os.Environ(), "SEASON_DIR="+seasonDir, "DATABASE_URL="+dbURL, "REDIS_URL="+testenv.RedisURL(), "REDIS_PREFIX="+prefix,
		"GATEWAY_ADDR="+gw, "API_ADDR="+api, "RELAY_ADDR="+relay, "WORKER_ADMIN_ADDR="+admin, "ADMIN_TOKEN="+token,
		"TRADE_INTERVAL=24h", "FEED_TICK=200ms", "SIM_TAKER_LATENCY=1s", "LOG_LEVEL=debug")
	logFile, err := os.Create(filepath.Join(t.TempDir(), "run.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // a terminal's foreground group
	// A shell started with SIGINT ignored (a test run from a background job)
	// cannot trap it; handling it here makes the script start with it at
	// its default, as from a terminal.
	signal.Notify(make(chan os.Signal, 1), os.Interrupt)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	output := func() string { b, _ := os.ReadFile(logFile.Name()); return string(b) }
	t.Cleanup(func() {
		select {
		case <-exited:
		default: // the script stops its processes on TERM
			_ = cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-exited:
			case <-time.After(time.Minute):
				_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
				<-exited
			}
		}
		if t.Failed() {
			t.Logf("---- run.sh output (tail) ----\n%s", tail(output(), 6000))
		}
	})
	ctx := testenv.Context(t, 4*time.Minute)
	s := &Stack{URL: "http://" + gw, AdminToken: token}
	waitHTTP(t, s.URL+"/healthz", 3*time.Minute)
	pool, err := postgres.Open(ctx, dbURL, postgres.Options{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	accounts := accountIDs(t, ctx, pool)
	order := func(i int) map[string]any {
		return map[string]any{"accountId": accounts[i%len(accounts)], "symbol": "BTC", "side": []string{"long", "short"}[i%2],
			"quantity": json.Number("0.001"), "clientOrderId": fmt.Sprintf("drain-%03d", i)}
	}
	// The market is live once an order fills.
	if err := retry(ctx, func() error {
		var res struct{ Order struct{ Status string } }
		if err := s.call(ctx, "simulator/placeOrder", order(999), &res, token); err != nil {
			return err
		}
		if !strings.EqualFold(res.Order.Status, "filled") {
			return fmt.Errorf("warm-up order %s", res.Order.Status)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	const n = 24
	var wg sync.WaitGroup
	errs := make([]error, n)
	var answered atomic.Int32
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = placeInFlight(ctx, s, order(i))
			answered.Add(1)
		}()
	}
	// Ctrl-C once every order has reached the API (its command is queued)
	// and before their answers (each waits SIM_TAKER_LATENCY for the book).
	rdb, err := redis.Open(testenv.RedisURL())
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	insp := asynq.NewInspectorFromRedisClient(rdb)
	waitUntil(t, ctx, func() bool {
		for i := range n {
			if _, err := insp.GetTaskInfo(commands.Queue(prefix), fmt.Sprintf("order:%s:drain-%03d", accounts[i%len(accounts)], i)); err != nil {
				return false
			}
		}
		return true
	})
	if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	inFlight := n - int(answered.Load())
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("order %d sent before Ctrl-C: %v", i, err)
		}
	}
	t.Logf("%d of %d orders in flight at Ctrl-C", inFlight, n)
	if inFlight == 0 {
		t.Fatal("every order was answered before Ctrl-C: nothing was drained")
	}
	select {
	case <-exited:
	case <-ctx.Done():
		t.Fatal("run.sh did not stop")
	}
	if !strings.Contains(output(), "run: stopped") {
		t.Error("run.sh did not report that it stopped")
	}
	if js, _ := filepath.Glob(filepath.Join(seasonDir, "live-*.journal.zst")); len(js) == 0 {
		t.Error("make run did not record the live season's journal")
	}
	var filled int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM "SimOrders" WHERE "id" LIKE 'drain-0%' AND "filledQty" > 0`).Scan(&filled); err != nil || filled != n {
		t.Errorf("%d of %d drained orders filled in the ledger (%v)", filled, n, err)
	}
}

// placeInFlight sends one order; the answer must be the order's outcome.
func placeInFlight(ctx context.Context, s *Stack, in map[string]any) error {
	body, _ := json.Marshal(map[string]any{"json": in})
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+"/api/rpc/simulator/placeOrder", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+s.AdminToken)
	resp, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var env struct {
		JSON struct{ Order struct{ Status string } } `json:"json"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil || resp.StatusCode != http.StatusOK || !strings.EqualFold(env.JSON.Order.Status, "filled") {
		return fmt.Errorf("HTTP %d, status %q (%v)", resp.StatusCode, env.JSON.Order.Status, err)
	}
	return nil
}
