package service_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/commands"
	"github.com/autonome-go/autonome/shared/config"
	"github.com/autonome-go/autonome/shared/postgres"
	"github.com/autonome-go/autonome/shared/testenv"
	"github.com/autonome-go/autonome/worker/internal/journal"
	"github.com/autonome-go/autonome/worker/internal/journal/journaltest"
	"github.com/autonome-go/autonome/worker/internal/season"
	"github.com/autonome-go/autonome/worker/internal/service"
)

// The live worker journals its season: two runs of the worker (stopped
// and restarted on the same database) with orders from the API's queue,
// each journal verifies offline to the same batches and marks, its closing
// mark's ledgers equal the database's, the second run starts from the state
// the first one ended in, a journal cut short (a killed worker) verifies up
// to the cut, and one changed byte is caught where it is.
func TestLiveSeasonJournalVerifies(t *testing.T) {
	pool, dbURL := testenv.Postgres(t)
	rdb, prefix := testenv.Redis(t)
	dir := t.TempDir()
	t.Setenv("DATABASE_URL", dbURL)
	t.Setenv("REDIS_URL", testenv.RedisURL())
	t.Setenv("REDIS_PREFIX", prefix)
	t.Setenv("WORKER_ADMIN_ADDR", "127.0.0.1:0")
	t.Setenv("FEED_TICK", "50ms")
	t.Setenv("TRADE_INTERVAL", "24h")
	t.Setenv("SEASON_DIR", dir)
	t.Setenv("SEASON_PERIOD", "1s")
	var cfg config.Worker
	if err := config.Load(&cfg); err != nil {
		t.Fatal(err)
	}
	cmds := commands.NewClient(rdb, commands.Queue(prefix))

	run := func(round int) {
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() { done <- service.Run(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil))) }()
		var accounts []string
		testenv.WaitFor(t, time.Minute, func() error {
			rows, err := pool.Query(t.Context(), `SELECT "modelId" FROM "Accounts" ORDER BY "modelId" LIMIT 3`)
			if err != nil {
				return err
			}
			ids, err := postgresStrings(rows)
			if len(ids) == 0 {
				return fmt.Errorf("no accounts yet (%v)", err)
			}
			accounts = ids
			return nil
		})
		placed := 0
		for i := range 6 {
			sym := []arena.Symbol{"BTC", "ETH", "SOL"}[i%3]
			qty := map[arena.Symbol]string{"BTC": "0.002", "ETH": "0.05", "SOL": "0.5"}[sym]
			side := []arena.Side{arena.Long, arena.Short}[(i+round)%2]
			octx, ocancel := context.WithTimeout(t.Context(), 30*time.Second)
			_, err := cmds.PlaceOrder(octx, commands.PlaceOrder{AccountID: accounts[i%len(accounts)],
				ClientOrderID: fmt.Sprintf("journal-%d-%d", round, i), Symbol: sym, Side: side, Type: arena.OrderMarket,
				Quantity: arena.MustFixed(qty), Leverage: arena.FixedInt(2), RequestedAt: time.Now(), ExpiresAt: time.Now().Add(time.Minute)})
			ocancel()
			if err == nil {
				placed++
			}
		}
		if placed == 0 {
			t.Fatalf("round %d: no order was accepted", round)
		}
		time.Sleep(2 * time.Second) // a period's mark (SEASON_PERIOD=1s) on the way
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("Run: %v", err)
		}
	}
	run(1)
	run(2)

	files, _ := filepath.Glob(filepath.Join(dir, "live-*.journal.zst"))
	sort.Strings(files)
	if calls, _ := filepath.Glob(filepath.Join(dir, "live-*.calls.jsonl.zst")); len(calls) != 2 {
		t.Fatalf("model-call recordings %v, want one per run", calls)
	}
	// A journal per period and run: each verifies on its own and closes
	// with a mark; within a run, each starts from the state the one before
	// closed with, books included.
	var reports []*journal.Report
	runs := map[time.Time]int{}
	cuts := 0
	for i, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := journal.Verify(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("%s: %v", filepath.Base(f), err)
		}
		if !rep.Complete || rep.Truncated || len(rep.Marks) == 0 || rep.Header.Period == "" {
			t.Fatalf("%s: complete %v, truncated %v, %d marks, period %q", filepath.Base(f), rep.Complete, rep.Truncated, len(rep.Marks), rep.Header.Period)
		}
		runs[rep.Header.Started]++
		if i > 0 && rep.Header.Started.Equal(reports[i-1].Header.Started) {
			prev := reports[i-1].Marks[len(reports[i-1].Marks)-1]
			if journal.StateHash(rep.Header.Start) != prev.State || len(rep.Header.Start.Markets) == 0 {
				t.Fatalf("%s does not start from the state %s closed with", filepath.Base(f), filepath.Base(files[i-1]))
			}
			cuts++
		}
		reports = append(reports, rep)
	}
	if len(runs) != 2 || cuts == 0 {
		t.Fatalf("%d journals from %d runs, %d period cuts: want two runs and a journal per period (SEASON_PERIOD=1s)", len(files), len(runs), cuts)
	}
	var second int // the second run's first journal
	for second = 1; reports[second].Header.Started.Equal(reports[0].Header.Started); second++ {
	}
	// The second run starts where the first ended (nothing was lost between).
	end := reports[second-1].Marks[len(reports[second-1].Marks)-1]
	if end.Period != journal.PeriodEnd || !slices.Equal(journal.Ledgers(reports[second].Header.Start), end.Accounts) {
		t.Fatalf("run 2 starts from %+v, run 1 ended (%s) with %+v", journal.Ledgers(reports[second].Header.Start), end.Period, end.Accounts)
	}
	// The closing mark's ledgers are the database's.
	last := reports[len(reports)-1]
	final := last.Marks[len(last.Marks)-1]
	st, err := postgres.LoadState(t.Context(), pool)
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range final.Accounts {
		if st.Accounts[i].AccountID != a.AccountID || st.Accounts[i].Cash != a.Cash || st.Accounts[i].Fees != a.Fees {
			t.Fatalf("journal ends with %+v, database has %+v", a, st.Accounts[i])
		}
	}
	all := slices.Clone(files)
	files = append(files[:0], files[len(files)-1])

	// The worker exported the periods that were over as bundles beside the
	// journals and imported them: the Seasons page lists them, replayed.
	own, _ := filepath.Glob(filepath.Join(dir, "live-*.tar.zst"))
	stored, err := postgres.NewReader(pool).Seasons(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	replayed := 0
	for _, s := range stored {
		if s.Source == arena.SeasonLive && s.Status() == arena.SeasonReplayed {
			replayed++
		}
	}
	if len(own) == 0 || replayed == 0 {
		t.Fatalf("the worker exported %d periods and the database holds %d replayed live seasons (of %d)", len(own), replayed, len(stored))
	}
	// The agents' turns of each period go into its bundle (the baselines
	// decided when each run started).
	turns := 0
	for _, b := range own {
		bundle, err := season.ReadFile(b)
		if err != nil {
			t.Fatal(err)
		}
		turns += bytes.Count(bundle.Files[season.LiveDecisionsFile], []byte("\n"))
	}
	if turns == 0 {
		t.Fatal("no agent turn in any exported period")
	}

	// Every period exports as a bundle that verifies.
	outDir := t.TempDir()
	var ex bytes.Buffer
	if err := season.Main(t.Context(), []string{"export", dir, "--out-dir", outDir}, &ex, os.Getenv); err != nil {
		t.Fatalf("worker season export: %v\n%s", err, ex.String())
	}
	bundles, _ := filepath.Glob(filepath.Join(outDir, "live-*.tar.zst"))
	if len(bundles) == 0 {
		t.Fatalf("no bundle exported:\n%s", ex.String())
	}
	for _, b := range bundles {
		var v bytes.Buffer
		if err := season.Main(t.Context(), []string{"verify", b}, &v, os.Getenv); err != nil || !strings.Contains(v.String(), "verified ") {
			t.Fatalf("worker season verify %s: %v\n%s", filepath.Base(b), err, v.String())
		}
	}

	// The command a user runs.
	var out bytes.Buffer
	if err := season.Main(t.Context(), []string{"verify", files[0]}, &out, os.Getenv); err != nil {
		t.Fatalf("worker season verify: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "verified "+final.State) {
		t.Fatalf("worker season verify printed:\n%s", out.String())
	}

	// The segment holding an API order (the orders came early in each run).
	var plain []byte
	i := -1
	for _, f := range all {
		plain = journaltest.Decompress(t, mustRead(t, f))
		for at, line := 0, []byte(nil); at < len(plain); at += len(line) {
			line = plain[at:]
			if n := bytes.IndexByte(line, '\n'); n >= 0 {
				line = line[:n+1]
			}
			if bytes.HasPrefix(line, []byte(`{"in":{"kind":"order"`)) && bytes.Contains(line, []byte(`"quantity":0.002`)) {
				i = at + bytes.Index(line, []byte(`"quantity":0.002`))
				break
			}
		}
		if i >= 0 {
			break
		}
	}
	if i < 0 {
		t.Fatal("no BTC order in any journal")
	}
	// A worker killed mid-run: the journal verifies up to the cut (made
	// after its header, which holds the whole state it starts from).
	head := bytes.IndexByte(plain, '\n') + 1
	at := head + (len(plain)-head)*2/3
	for plain[at-1] == '\n' || plain[at] == '\n' { // inside a line, as a kill leaves it
		at--
	}
	cut := journaltest.Compress(t, plain[:at])
	rep, err := journal.Verify(bytes.NewReader(cut))
	if err != nil || !rep.Truncated || rep.Complete {
		t.Fatalf("cut journal: %v (truncated %v, complete %v)", err, rep != nil && rep.Truncated, rep != nil && rep.Complete)
	}
	// One changed byte in an order's size is found, at its line.
	tampered := bytes.Clone(plain)
	tampered[i+len(`"quantity":0.00`)] = '3'
	_, err = journal.Verify(bytes.NewReader(journaltest.Compress(t, tampered)))
	var mm *journal.Mismatch
	if !errors.As(err, &mm) {
		t.Fatalf("a changed order size verified: %v", err)
	}
	if want := int64(bytes.Count(plain[:i], []byte("\n")) + 1); mm.Line <= want {
		t.Fatalf("mismatch reported at line %d, before the changed input's line %d", mm.Line, want)
	}
	if !strings.Contains(mm.Error(), "recorded") {
		t.Fatalf("mismatch message %q", mm.Error())
	}
}

func postgresStrings(rows interface {
	Next() bool
	Scan(...any) error
	Close()
	Err() error
}) ([]string, error) {
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
