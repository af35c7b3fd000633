package season

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/llm"
)

// Usage is the season subcommands' help.
const Usage = `usage:
  worker season run (--tape FILE | --synthetic-seed N) [--roster FILE] [--duration D] [--interval 5m] [--id ID] --out BUNDLE
  worker season replay BUNDLE [--swap ENTRANT=model:ID|prompt:DIR|baseline:NAME] [--out NEW_BUNDLE]
  worker season verify BUNDLE|JOURNAL   (JOURNAL: a live worker's SEASON_DIR/…journal.zst)
  worker season export SEASON_DIR [--id SEASON_ID] [--period START] [--out-dir DIR]   (the live season's periods as bundles)
  worker season import BUNDLE [--checksums-only] [--name NAME]   (DATABASE_URL: stores it for the API; see seasonimport)
  worker season repeat BUNDLE --entrant ENTRANT --n N [--parallel P] [--out-dir DIR] [--export PREFIX]`

// Main runs "worker season ARGS". getenv supplies API keys (the roster's
// key variables) and SIM_* settings.
func Main(ctx context.Context, args []string, stdout io.Writer, getenv func(string) string) error {
	if len(args) == 0 {
		return errors.New(Usage)
	}
	switch args[0] {
	case "run":
		return cmdRun(ctx, args[1:], stdout, getenv)
	case "replay":
		return cmdReplay(ctx, args[1:], stdout, getenv)
	case "verify":
		return cmdVerify(ctx, args[1:], stdout)
	case "export":
		return cmdExport(args[1:], stdout, getenv)
	case "repeat":
		return cmdRepeat(ctx, args[1:], stdout, getenv)
	}
	return fmt.Errorf("unknown season command %q\n%s", args[0], Usage)
}

func cmdRun(ctx context.Context, args []string, stdout io.Writer, getenv func(string) string) error {
	fl := flag.NewFlagSet("season run", flag.ContinueOnError)
	fl.SetOutput(stdout)
	tapePath := fl.String("tape", "", "tape file to run on (worker/cmd/tape record)")
	seed := fl.String("synthetic-seed", "", "run on the synthetic feed with this seed instead of a tape")
	startText := fl.String("synthetic-start", "2025-01-01T00:00:00Z", "stream time of the synthetic feed's first tick")
	tick := fl.Duration("feed-tick", 500*time.Millisecond, "synthetic feed update interval")
	rosterPath := fl.String("roster", "", "roster file (YAML or JSON); empty: the built-in default line-up")
	duration := fl.Duration("duration", 0, "season length (default: the whole tape; 24h for the synthetic feed)")
	interval := fl.Duration("interval", 5*time.Minute, "decision interval (TRADE_INTERVAL)")
	id := fl.String("id", "", "season id (default season-<start>)")
	out := fl.String("out", "", "bundle to write (required)")
	parallel := fl.Int("parallel", 0, "entrants deciding at once (default GOMAXPROCS; changes only the speed)")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if *out == "" || (*tapePath == "") == (*seed == "") {
		return errors.New("season run: give --out and exactly one of --tape or --synthetic-seed\n" + Usage)
	}
	plan := Plan{ID: *id, Duration: *duration, Interval: *interval}
	var err error
	if plan.Exchange, err = exchangeFromEnv(getenv); err != nil {
		return err
	}
	if s := getenv("SIM_DETERMINISTIC_SEED"); s != "" {
		if plan.BaselineSeed, err = strconv.ParseUint(s, 10, 64); err != nil {
			return fmt.Errorf("SIM_DETERMINISTIC_SEED=%q: %w", s, err)
		}
	}
	if *rosterPath != "" {
		if plan.Roster, err = os.ReadFile(*rosterPath); err != nil {
			return fmt.Errorf("season run: %w", err)
		}
	}
	if *seed != "" {
		n, err := strconv.ParseUint(*seed, 10, 64)
		if err != nil {
			return fmt.Errorf("season run: --synthetic-seed %q: %w", *seed, err)
		}
		start, err := time.Parse(time.RFC3339, *startText)
		if err != nil {
			return fmt.Errorf("season run: --synthetic-start: %w", err)
		}
		if plan.Duration == 0 {
			plan.Duration = 24 * time.Hour
		}
		plan.SyntheticSeed, plan.FeedTick = &n, *tick
		if plan.Tape, err = SyntheticTape(ctx, n, start, *tick, plan.Duration+2*plan.Interval); err != nil {
			return err
		}
	} else if plan.Tape, err = os.ReadFile(*tapePath); err != nil {
		return fmt.Errorf("season run: %w", err)
	}
	s, err := New(plan)
	if err != nil {
		return err
	}
	if err := dropKeyless(s, getenv, stdout); err != nil {
		return err
	}
	started := time.Now()
	res, err := s.Run(ctx, RunOptions{Getenv: getenv, Parallel: *parallel})
	if err != nil {
		return err
	}
	if err := writeBundle(*out, s, res); err != nil {
		return err
	}
	PrintLeaderboard(stdout, res.Leaderboard)
	fmt.Fprintf(stdout, "season %s: %d slots, %d entrants, %s → %s in %s\nwrote %s\nresult %s\n", s.Config.ID, res.Slots,
		len(s.Config.Entrants), s.Config.Start.Format(time.RFC3339), s.Config.End.Format(time.RFC3339),
		time.Since(started).Round(time.Millisecond), *out, res.Hash)
	return nil
}

func writeBundle(path string, s *Season, res *Result) error {
	files, err := s.Files(res)
	if err != nil {
		return err
	}
	return WriteFile(path, s.Manifest(res), files)
}

// bundleArg splits "BUNDLE [flags]" (the bundle may come first).
func bundleArg(fl *flag.FlagSet, args []string) (string, error) {
	var path string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		path, args = args[0], args[1:]
	}
	if err := fl.Parse(args); err != nil {
		return "", err
	}
	if path == "" && fl.NArg() > 0 {
		path = fl.Arg(0)
	}
	if path == "" {
		return "", errors.New("a bundle path is required\n" + Usage)
	}
	return path, nil
}

func cmdReplay(ctx context.Context, args []string, stdout io.Writer, getenv func(string) string) error {
	fl := flag.NewFlagSet("season replay", flag.ContinueOnError)
	fl.SetOutput(stdout)
	swapText := fl.String("swap", "", "re-run one entrant live: ENTRANT=model:ID, ENTRANT=prompt:DIR or ENTRANT=baseline:NAME")
	out := fl.String("out", "", "with --swap: the A/B bundle to write (default BUNDLE-ab.tar.zst)")
	id := fl.String("id", "", "with --swap: the A/B season's id")
	parallel := fl.Int("parallel", 0, "entrants deciding at once")
	path, err := bundleArg(fl, args)
	if err != nil {
		return err
	}
	b, err := ReadFile(path)
	if err != nil {
		return err
	}
	started := time.Now()
	if b.Manifest.Kind == LiveKind {
		if *swapText != "" {
			return fmt.Errorf("season replay: %s is a period of the live season: its journal replays the exchange given the orders the agents placed, so an entrant cannot be swapped", path)
		}
		res, err := VerifyLive(b)
		if err != nil {
			return err
		}
		printLive(stdout, res)
		fmt.Fprintf(stdout, "replayed %s in %s: result %s (as recorded)\n", b.Manifest.ID, time.Since(started).Round(time.Millisecond), b.Manifest.ResultHash)
		return nil
	}
	if *swapText == "" {
		res, err := Verify(ctx, b, *parallel)
		if err != nil {
			return err
		}
		PrintLeaderboard(stdout, res.Leaderboard)
		fmt.Fprintf(stdout, "replayed %s in %s: result %s (as recorded)\n", b.Manifest.ID, time.Since(started).Round(time.Millisecond), res.Hash)
		return nil
	}
	w, err := ParseSwap(*swapText)
	if err != nil {
		return err
	}
	s, calls, err := FromBundle(b)
	if err != nil {
		return err
	}
	d, err := s.Derive(w, b.Manifest.ResultHash, *id)
	if err != nil {
		return err
	}
	delete(calls, w.Entrant)
	res, err := d.Run(ctx, RunOptions{Getenv: getenv, Parallel: *parallel, Recorded: calls, Replay: true, Live: map[string]bool{w.Entrant: true}})
	if err != nil {
		return err
	}
	if *out == "" {
		*out = strings.TrimSuffix(strings.TrimSuffix(path, ".zst"), ".tar") + "-ab.tar.zst"
	}
	if err := writeBundle(*out, d, res); err != nil {
		return err
	}
	PrintLeaderboard(stdout, res.Leaderboard)
	fmt.Fprintf(stdout, "A/B season %s (parent %s, %s) in %s\nwrote %s\nresult %s (parent %s)\n", d.Config.ID, s.Config.ID, w,
		time.Since(started).Round(time.Millisecond), *out, res.Hash, b.Manifest.ResultHash)
	return nil
}

func cmdVerify(ctx context.Context, args []string, stdout io.Writer) error {
	fl := flag.NewFlagSet("season verify", flag.ContinueOnError)
	fl.SetOutput(stdout)
	parallel := fl.Int("parallel", 0, "entrants replayed at once")
	path, err := bundleArg(fl, args)
	if err != nil {
		return err
	}
	if isJournal(path) {
		return verifyJournal(path, stdout)
	}
	b, err := ReadFile(path)
	if err != nil {
		return fmt.Errorf("%s: not verified: %w", path, err)
	}
	if b.Manifest.Kind == LiveKind {
		res, err := VerifyLive(b)
		if err != nil {
			return fmt.Errorf("%s: not verified: %w", path, err)
		}
		printLive(stdout, res)
		fmt.Fprintf(stdout, "verified %s\n", b.Manifest.ResultHash)
		return nil
	}
	res, err := Verify(ctx, b, *parallel)
	if err != nil {
		return fmt.Errorf("%s: not verified: %w", path, err)
	}
	PrintLeaderboard(stdout, res.Leaderboard)
	fmt.Fprintf(stdout, "verified %s\n", res.Hash)
	return nil
}

func cmdExport(args []string, stdout io.Writer, getenv func(string) string) error {
	fl := flag.NewFlagSet("season export", flag.ContinueOnError)
	fl.SetOutput(stdout)
	id := fl.String("id", cmp.Or(getenv("SEASON_ID"), "live"), "the live season's id (SEASON_ID)")
	period := fl.String("period", "", "the period to export (its start, RFC 3339, as verify prints it); default: every period recorded")
	outDir := fl.String("out-dir", ".", "folder the bundles are written to (SEASON_ID-<period start>.tar.zst)")
	dir, err := bundleArg(fl, args)
	if err != nil {
		return err
	}
	periods := []string{*period}
	if *period == "" {
		if periods, err = LivePeriods(dir, *id); err != nil {
			return err
		}
		if len(periods) == 0 {
			return fmt.Errorf("season export: no journal of season %s in %s (is SEASON_DIR set on the worker?)", *id, dir)
		}
	}
	for _, p := range periods {
		m, files, res, err := ExportLive(dir, *id, p, LiveOptions{})
		if err != nil {
			return fmt.Errorf("season export: period %s: %w", p, err)
		}
		path := filepath.Join(*outDir, m.ID+".tar.zst")
		if err := WriteFile(path, m, files); err != nil {
			return err
		}
		printLive(stdout, res)
		fmt.Fprintf(stdout, "wrote %s\nresult %s\n", path, m.ResultHash)
	}
	return nil
}

// printLive prints a live period's segments and leaderboard.
func printLive(w io.Writer, res *LiveResult) {
	state := "complete"
	if !res.Complete {
		state = "incomplete: the journal stops before the period's end"
	}
	fmt.Fprintf(w, "live season %s, period %s → %s (%s)\n", res.Season, res.Start.Format(time.RFC3339), res.End.Format(time.RFC3339), state)
	for _, s := range res.Segments {
		end := "no mark"
		if s.Close != nil {
			end = fmt.Sprintf("closes %s at %s, state %s", s.Close.Period, s.Close.Time.UTC().Format("2006-01-02 15:04:05Z"), s.Close.State)
		}
		cut := ""
		if s.Truncated {
			cut = ", cut short (the worker was killed)"
		}
		fmt.Fprintf(w, "  %s (%s): %d inputs, %d batches; %s%s\n", s.File, s.Joins, s.Inputs, s.Batches, end, cut)
	}
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "rank\tseat\taccount\tequity\treturn %\trealized\tfees\tfunding\tfills\t")
	for _, r := range res.Leaderboard {
		seat := r.Name
		if r.Variant != "" {
			seat += "/" + string(r.Variant)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t\n", r.Rank, seat, r.Entrant, r.Equity.RoundTo(arena.FixedScale/100),
			r.ReturnPct.RoundTo(arena.FixedScale/1000), r.RealizedPnL.RoundTo(arena.FixedScale/100), r.Fees.RoundTo(arena.FixedScale/100),
			r.Funding.RoundTo(arena.FixedScale/100), r.Fills)
	}
	_ = tw.Flush()
}

// exchangeFromEnv reads the SIM_* settings a season records; unset ones
// keep the worker's defaults. nil when none is set.
func exchangeFromEnv(getenv func(string) string) (*ExchangeConfig, error) {
	c := DefaultExchange(nil)
	set := false
	for _, d := range []struct {
		name string
		dst  *Duration
	}{{"SIM_TAKER_LATENCY", &c.TakerLatency}, {"SIM_MAKER_LATENCY", &c.MakerLatency}, {"SIM_STALE_BOOK", &c.StaleAfter}} {
		if v := getenv(d.name); v != "" {
			x, err := time.ParseDuration(v)
			if err != nil {
				return nil, fmt.Errorf("%s=%q: %w", d.name, v, err)
			}
			*d.dst, set = Duration(x), true
		}
	}
	for _, f := range []struct {
		name string
		dst  *arena.Fixed
	}{{"SIM_INITIAL_CAPITAL", &c.StartingCapital}, {"SIM_MAX_SLIPPAGE_BPS", &c.SlippageBps}} {
		if v := getenv(f.name); v != "" {
			x, err := arena.ParseFixed(v)
			if err != nil {
				return nil, fmt.Errorf("%s=%q: %w", f.name, v, err)
			}
			*f.dst, set = x, true
		}
	}
	if v := getenv("SIM_DETERMINISTIC_SEED"); v != "" {
		x, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("SIM_DETERMINISTIC_SEED=%q: %w", v, err)
		}
		c.Seed, set = x, true
	}
	if !set {
		return nil, nil
	}
	return &c, nil
}

// dropKeyless leaves out the LLM seats whose provider has no key, as the
// worker does, saying so; the bundle lists the seats that ran.
func dropKeyless(s *Season, getenv func(string) string, stdout io.Writer) error {
	r, err := llm.ParseRoster(s.Roster, "season roster")
	if err != nil {
		return err
	}
	st, err := llm.Statuses(r.Entries, llm.Options{Getenv: getenv, Providers: r.Providers, Models: r.Models})
	if err != nil {
		return err
	}
	runs := map[string]bool{}
	skipped := map[string]int{}
	for _, x := range st {
		runs[EntrantID(x.Entry)] = x.Runs
		if !x.Runs {
			skipped[x.KeyEnv]++
		}
	}
	kept := s.Config.Entrants[:0]
	for _, e := range s.Config.Entrants {
		if runs[e.ID] {
			kept = append(kept, e)
		}
	}
	s.Config.Entrants = kept
	for env, n := range skipped {
		fmt.Fprintf(stdout, "%d LLM seats left out: no API key (set %s to run them)\n", n, env)
	}
	if len(kept) == 0 {
		return errors.New("season run: no entrant can run")
	}
	return nil
}
