package season

import (
	"bytes"
	"cmp"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"

	"github.com/autonome-go/autonome/shared/stats"
)

// RepeatOptions configure Repeat.
type RepeatOptions struct {
	Entrant   string
	N         int
	Parallel  int // runs at once, and so model calls at once (one live entrant per run); default 1
	Getenv    func(string) string
	Transport http.RoundTripper
	// Path names run i's child bundle (1-based); nil: no bundle is written.
	Path func(i int) string
}

// RepeatRun is one run of a repeat: its child season and the entrant's
// figures in it.
type RepeatRun struct {
	Run     int     `json:"run"`
	Season  string  `json:"season"`
	Bundle  string  `json:"bundle,omitempty"`
	Hash    string  `json:"resultHash"`
	Figures Figures `json:"figures"`
	Row     Row     `json:"row"`
	Result  *Result `json:"-"`
}

// Figures are an entrant's results in one run: percent returns (net of its
// LLM cost over the run), Sharpe and Sortino annualised from 5-minute
// equity returns (shared/stats, risk-free 0), max drawdown in percent.
type Figures struct {
	ReturnPct    float64  `json:"returnPct"`
	NetReturnPct float64  `json:"netReturnPct"`
	LLMCostUSD   float64  `json:"llmCostUsd"`
	Sharpe       *float64 `json:"sharpe"`
	Sortino      *float64 `json:"sortino"`
	MaxDrawdown  float64  `json:"maxDrawdownPct"`
}

// periodsPerYear5m annualises 5-minute returns.
const periodsPerYear5m = 365 * 24 * 12

// Repeat re-runs one entrant of a recorded season N times live on the
// bundle's tape while every other entrant replays its recording, so the
// spread of its results over the runs is its own randomness (a model's
// sampling), never the market's or its rivals'. Each run is a child season
// (parent: the bundle's season, swap "repeat:ENTRANT#i") with its own
// bundle, which replays like any other.
func Repeat(ctx context.Context, b *Bundle, o RepeatOptions) ([]RepeatRun, error) {
	if o.N < 1 {
		return nil, fmt.Errorf("repeat: --n must be at least 1")
	}
	s, _, err := FromBundle(b)
	if err != nil {
		return nil, err
	}
	if !slices.ContainsFunc(s.Config.Entrants, func(e Entrant) bool { return e.ID == o.Entrant }) {
		return nil, fmt.Errorf("repeat: no entrant %q; the entrants are %s", o.Entrant, entrantIDs(s))
	}
	runs := make([]RepeatRun, o.N)
	errs := make([]error, o.N)
	sem := make(chan struct{}, max(o.Parallel, 1))
	var wg sync.WaitGroup
	for i := range o.N {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			runs[i], errs[i] = repeatOnce(ctx, b, o, i+1)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return runs, nil
}

func repeatOnce(ctx context.Context, b *Bundle, o RepeatOptions, i int) (RepeatRun, error) {
	s, calls, err := FromBundle(b) // a fresh copy per run: runs share nothing
	if err != nil {
		return RepeatRun{}, err
	}
	d := *s
	d.Config.Entrants = slices.Clone(s.Config.Entrants)
	d.Config.Parent = &Parent{ID: s.Config.ID, ResultHash: b.Manifest.ResultHash, Swap: fmt.Sprintf("repeat:%s#%d", o.Entrant, i)}
	d.Config.ID = fmt.Sprintf("%s-rep-%s-%d", s.Config.ID, strings.NewReplacer("/", "_", ":", "_").Replace(o.Entrant), i)
	delete(calls, o.Entrant)
	res, err := d.Run(ctx, RunOptions{Getenv: o.Getenv, Transport: o.Transport, Recorded: calls, Replay: true,
		Live: map[string]bool{o.Entrant: true}})
	if err != nil {
		return RepeatRun{}, fmt.Errorf("repeat run %d: %w", i, err)
	}
	run := RepeatRun{Run: i, Season: d.Config.ID, Hash: res.Hash, Result: res}
	run.Row = res.Leaderboard[slices.IndexFunc(res.Leaderboard, func(r Row) bool { return r.Entrant == o.Entrant })]
	run.Figures = figures(res, o.Entrant)
	if o.Path != nil {
		run.Bundle = o.Path(i)
		if err := writeBundle(run.Bundle, &d, res); err != nil {
			return RepeatRun{}, err
		}
	}
	return run, nil
}

// figures computes an entrant's Figures from a run's equity samples and
// its invocations' LLM cost.
func figures(res *Result, entrant string) Figures {
	var eq []float64
	for _, s := range res.Equity {
		if s.Entrant == entrant {
			for _, p := range s.Points {
				eq = append(eq, p.Equity.Float64())
			}
		}
	}
	var f Figures
	for _, inv := range res.Invocations {
		if inv.Entrant == entrant {
			f.LLMCostUSD += inv.Turn.CostUSD.Float64()
		}
	}
	if r, ok := stats.Return(eq); ok {
		f.ReturnPct = 100 * r
	}
	if r, ok := stats.NetReturn(eq, f.LLMCostUSD); ok {
		f.NetReturnPct = 100 * r
	}
	rs := stats.Returns(eq)
	if v, ok := stats.Sharpe(rs, periodsPerYear5m); ok {
		f.Sharpe = &v
	}
	if v, ok := stats.Sortino(rs, periodsPerYear5m); ok {
		f.Sortino = &v
	}
	f.MaxDrawdown = 100 * stats.MaxDrawdown(eq)
	return f
}

// FigureSummary is one figure across the runs of a repeat.
type FigureSummary struct {
	Figure string `json:"figure"`
	stats.Summary
}

// SummarizeRuns describes each figure across runs (mean, spread, range and
// a 95% interval of the mean, shared/stats.Summarize with b's draws and
// seed); an undefined Sharpe or Sortino leaves its run out of that figure.
func SummarizeRuns(runs []RepeatRun, b stats.Bootstrap) []FigureSummary {
	pick := map[string]func(Figures) (float64, bool){
		"returnPct":      func(f Figures) (float64, bool) { return f.ReturnPct, true },
		"netReturnPct":   func(f Figures) (float64, bool) { return f.NetReturnPct, true },
		"sharpe":         func(f Figures) (float64, bool) { return deref(f.Sharpe) },
		"sortino":        func(f Figures) (float64, bool) { return deref(f.Sortino) },
		"maxDrawdownPct": func(f Figures) (float64, bool) { return f.MaxDrawdown, true },
	}
	var out []FigureSummary
	for _, name := range []string{"returnPct", "netReturnPct", "sharpe", "sortino", "maxDrawdownPct"} {
		var vals []float64
		for _, r := range runs {
			if v, ok := pick[name](r.Figures); ok {
				vals = append(vals, v)
			}
		}
		out = append(out, FigureSummary{Figure: name, Summary: b.Summarize(vals)})
	}
	return out
}

func deref(p *float64) (float64, bool) {
	if p == nil {
		return 0, false
	}
	return *p, true
}

// PrintRepeat writes the runs and the summary as tables.
func PrintRepeat(w io.Writer, entrant string, runs []RepeatRun, sum []FigureSummary) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "run\treturn %%\tnet %%\tsharpe\tsortino\tmax dd %%\tfills\tresult\t\n")
	for _, r := range runs {
		f := r.Figures
		fmt.Fprintf(tw, "%d\t%.3f\t%.3f\t%s\t%s\t%.3f\t%d\t%.12s\t\n", r.Run, f.ReturnPct, f.NetReturnPct, opt(f.Sharpe), opt(f.Sortino), f.MaxDrawdown, r.Row.Fills, r.Hash)
	}
	tw.Flush()
	fmt.Fprintf(w, "\n%s over %d runs (interval: 95%% bootstrap interval of the mean):\n", entrant, len(runs))
	tw = tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "figure\truns\tmean\tsd\tmin\tmax\tinterval\t\n")
	for _, s := range sum {
		if s.N == 0 {
			fmt.Fprintf(tw, "%s\t0\t\t\t\t\t\t\n", s.Figure)
			continue
		}
		fmt.Fprintf(tw, "%s\t%d\t%.3f\t%.3f\t%.3f\t%.3f\t[%.3f, %.3f]\t\n", s.Figure, s.N, s.Mean, s.SD, s.Min, s.Max, s.Interval.Lo, s.Interval.Hi)
	}
	tw.Flush()
}

func opt(p *float64) string {
	if p == nil {
		return "—"
	}
	return fmt.Sprintf("%.3f", *p)
}

func entrantIDs(s *Season) string {
	ids := make([]string, len(s.Config.Entrants))
	for j, e := range s.Config.Entrants {
		ids[j] = e.ID
	}
	return strings.Join(ids, ", ")
}

func cmdRepeat(ctx context.Context, args []string, stdout io.Writer, getenv func(string) string) error {
	fl := flag.NewFlagSet("season repeat", flag.ContinueOnError)
	fl.SetOutput(stdout)
	ent := fl.String("entrant", "", "the entrant to re-run live (name/Variant, as the leaderboard lists it)")
	n := fl.Int("n", 0, "number of runs")
	parallel := fl.Int("parallel", 1, "runs at once: bounds the model calls in flight")
	outDir := fl.String("out-dir", "", "where the child bundles go (default: beside BUNDLE)")
	export := fl.String("export", "", "also write PREFIX.csv and PREFIX.json: one row per entrant and run")
	path, err := bundleArg(fl, args)
	if err != nil {
		return err
	}
	if *ent == "" || *n < 1 {
		return errors.New("season repeat: give --entrant and --n ≥ 1\n" + Usage)
	}
	b, err := ReadFile(path)
	if err != nil {
		return err
	}
	base := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(path), ".zst"), ".tar")
	dir := cmp.Or(*outDir, filepath.Dir(path))
	safe := strings.NewReplacer("/", "_", ":", "_").Replace(*ent)
	runs, err := Repeat(ctx, b, RepeatOptions{Entrant: *ent, N: *n, Parallel: *parallel, Getenv: getenv,
		Path: func(i int) string { return filepath.Join(dir, fmt.Sprintf("%s-rep-%s-%d.tar.zst", base, safe, i)) }})
	if err != nil {
		return err
	}
	PrintRepeat(stdout, *ent, runs, SummarizeRuns(runs, stats.Bootstrap{Resamples: 1000, Seed: 1}))
	for _, r := range runs {
		fmt.Fprintf(stdout, "wrote %s (result %s)\n", r.Bundle, r.Hash)
	}
	if *export != "" {
		if err := ExportRuns(*export, b.Manifest.ID, runs); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s.csv and %s.json\n", *export, *export)
	}
	return nil
}

// RunRow is one entrant in one run of a repeat, for analysis elsewhere.
type RunRow struct {
	Season  string `json:"season"`
	Run     int    `json:"run"`
	RunID   string `json:"runSeason"`
	Live    bool   `json:"live"` // the repeated entrant; the others replayed
	Entrant string `json:"entrant"`
	Row
	Figures Figures `json:"figures"`
}

// RunRows lists every entrant of every run.
func RunRows(season string, runs []RepeatRun) []RunRow {
	var out []RunRow
	for _, r := range runs {
		for _, row := range r.Result.Leaderboard {
			out = append(out, RunRow{Season: season, Run: r.Run, RunID: r.Season, Live: row.Entrant == r.Row.Entrant,
				Entrant: row.Entrant, Row: row, Figures: figures(r.Result, row.Entrant)})
		}
	}
	return out
}

// ExportRuns writes prefix.json (an array of RunRow) and prefix.csv (the
// same rows, a header named like the JSON fields, empty cells for nulls).
func ExportRuns(prefix, season string, runs []RepeatRun) error {
	rows := RunRows(season, runs)
	js, err := json.MarshalIndent(rows, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(prefix+".json", append(js, '\n'), 0o644); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	header := []string{"season", "run", "runSeason", "live", "entrant", "name", "variant", "kind", "model", "rank", "equity",
		"returnPct", "netReturnPct", "llmCostUsd", "sharpe", "sortino", "maxDrawdownPct", "fills", "decisions", "failed"}
	_ = w.Write(header)
	for _, r := range rows {
		_ = w.Write([]string{r.Season, strconv.Itoa(r.Run), r.RunID, strconv.FormatBool(r.Live), r.Entrant, r.Name, string(r.Variant),
			string(r.Kind), r.Model, strconv.Itoa(r.Rank), r.Equity.String(), num(r.Figures.ReturnPct), num(r.Figures.NetReturnPct),
			num(r.Figures.LLMCostUSD), optNum(r.Figures.Sharpe), optNum(r.Figures.Sortino), num(r.Figures.MaxDrawdown), strconv.Itoa(r.Fills),
			strconv.Itoa(r.Decisions), strconv.Itoa(r.Failed)})
	}
	w.Flush()
	if err := os.WriteFile(prefix+".csv", buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return w.Error()
}

func num(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

func optNum(p *float64) string {
	if p == nil {
		return ""
	}
	return num(*p)
}
