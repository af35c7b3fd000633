package dashboard

import (
	"strings"
	"testing"
)

// The leaderboard shows each figure with its 95% interval as a whisker,
// ranks by the lower bound on request, greys out an immature entrant (here
// the one with the best PnL) and never headlines it; a row's compare link
// opens A against B with both equity curves and P(A beats B); a stored
// season's comparison and leaderboard show its repeats.
func TestBrowserLeaderboardIntervals(t *testing.T) {
	var top string
	e := newBrowserEnv(t, func(f *fakeAPI) {
		top = f.leaderboard("7d", "")["entries"].([]any)[0].(map[string]any)["modelId"].(string)
		f.immature = map[string]bool{top: true}
	})
	e.open(t, "#/leaderboard")
	rows := `[...document.querySelectorAll('[data-testid=leaderboard-table] [data-testid=leaderboard-row]')]`
	e.wait(t, "28 rows", rows+`.length === 28`)
	e.wait(t, "an interval per row and figure", `['pnlPercent', 'maxDrawdown', 'pnlNetPercent', 'sharpe', 'sortino'].every(k =>
		document.querySelectorAll('[data-testid=leaderboard-row] [data-testid=interval][data-figure=' + k + '] svg.whisker line.whisker-range').length === 28)`)
	e.shot(t, "leaderboard-intervals")

	// Each PnL % lies inside its interval, and the whisker's ends are drawn
	// where the interval says, on one scale for the column.
	bad := eval[[]string](t, e, rows+`.filter(r => {
		const ci = r.querySelector('[data-testid=interval][data-figure=pnlPercent]');
		const p = parseFloat(r.children[3].textContent.replace(/[^0-9.-]/g, ''));
		const lo = parseFloat(ci.dataset.lo), hi = parseFloat(ci.dataset.hi);
		const caps = [...ci.querySelectorAll('line.whisker-cap')].map(l => parseFloat(l.getAttribute('x1')));
		return r.querySelector('[data-testid=nokey-badge]') ? false : !(lo <= p && p <= hi && caps[0] < caps[1] && ci.title.includes('95% interval'));
	}).map(r => r.dataset.modelId)`)
	if len(bad) > 0 {
		t.Errorf("rows whose PnL %% lies outside its drawn interval: %v", bad)
	}

	// The immature entrant: greyed, badged, after every ranked one, never
	// the headline.
	im := eval[struct {
		Index    int    `json:"index"`
		Badge    bool   `json:"badge"`
		Opacity  string `json:"opacity"`
		Headline string `json:"headline"`
		First    string `json:"first"`
		Method   string `json:"method"`
	}](t, e, `(() => { const rs = `+rows+`; const i = rs.findIndex(r => r.dataset.immature === 'true');
		return {index: i, badge: !!rs[i]?.querySelector('[data-testid=immature-badge]'), opacity: getComputedStyle(rs[i].children[3]).opacity,
			headline: document.querySelector('[data-testid=leaderboard-headline]')?.dataset.modelId || '', first: rs[0].dataset.modelId,
			method: document.querySelector('[data-testid=leaderboard-method]')?.textContent || ''}; })()`)
	lastRanked := eval[int](t, e, rows+`.filter(r => !r.querySelector('[data-testid=nokey-badge]')).length - 1`)
	if im.Index != lastRanked || !im.Badge || im.Opacity == "1" || im.Headline == top || im.Headline != im.First || im.First == top {
		t.Errorf("immature entrant %s: %+v (last ranked row index %d)", top, im, lastRanked)
	}
	if !strings.Contains(im.Method, "stationary bootstrap") || !strings.Contains(im.Method, "immature") {
		t.Errorf("method note %q", im.Method)
	}

	// Rank by the lower bound: the API is asked, and ranked rows are in
	// descending order of their interval's lower end.
	e.click(t, `[data-testid=leaderboard-lower]`)
	waitInput(t, e, "analytics/getLeaderboard", "rankBy", "lowerBound")
	e.wait(t, "lower bound in the URL", `location.hash.includes('lower=1')`)
	los := eval[[]float64](t, e, rows+`.filter(r => r.dataset.immature === 'false' && !r.querySelector('[data-testid=nokey-badge]'))
		.map(r => parseFloat(r.querySelector('[data-testid=interval][data-figure=pnlPercent]').dataset.lo))`)
	for i := 1; i < len(los); i++ {
		if los[i] > los[i-1] {
			t.Fatalf("not ranked by the lower bound at row %d: %v", i, los)
		}
	}

	// A against the leader.
	a := eval[string](t, e, rows+`[3].dataset.modelId`)
	e.click(t, `[data-testid=leaderboard-row][data-model-id="`+a+`"] [data-testid=compare-link]`)
	e.wait(t, "the comparison", `document.querySelector('[data-testid=compare-p]')?.dataset.p !== undefined && document.querySelector('[data-testid=compare-p]').dataset.p !== ''`)
	e.wait(t, "two equity curves", `document.querySelectorAll('[data-testid=compare-chart] .chart-lines path').length === 2`)
	in := e.lastInput(t, "analytics/getComparison")
	if in["a"] != a || in["b"] == a || in["b"] == top || in["seasonId"] != "live" {
		t.Errorf("getComparison input %v: want a=%s against the leading ranked entrant", in, a)
	}
	got := eval[struct {
		P       string `json:"p"`
		Sig     string `json:"sig"`
		Verdict string `json:"verdict"`
		Repeats string `json:"repeats"`
		A       string `json:"a"`
	}](t, e, `({p: document.querySelector('[data-testid=compare-p] b').textContent, sig: document.querySelector('[data-testid=compare-significant]').textContent,
		verdict: document.querySelector('[data-testid=compare-verdict]').textContent, repeats: document.querySelector('[data-testid=compare-repeats]').textContent,
		a: document.querySelector('[data-testid=compare-a]').value})`)
	if !strings.HasSuffix(got.P, "%") || (got.Sig != "significant" && got.Sig != "not significant") || got.Verdict == "" ||
		!strings.Contains(got.Repeats, "runs each entrant once") || got.A != a {
		t.Errorf("comparison view: %+v", got)
	}
	e.shot(t, "compare")

	// Choosing another B asks again.
	e.choose(t, `[data-testid=compare-b]`, top)
	waitInput(t, e, "analytics/getComparison", "b", top)

	// A stored season with repeats of A: its distribution, one dot per run.
	e.open(t, "#/compare?season=s-demo&a="+a+"&b="+top)
	e.wait(t, "the repeats of A", `document.querySelector('[data-testid=compare-repeats-a]')?.dataset.runs === '5' &&
		document.querySelectorAll('[data-testid=compare-repeats-a] [data-testid=repeat-run]').length === 5 &&
		!document.querySelector('[data-testid=compare-repeats-b]') && !!document.querySelector('[data-testid=compare-season]')`)
	waitInput(t, e, "analytics/getComparison", "seasonId", "s-demo")
	if txt := eval[string](t, e, `document.querySelector('[data-testid=compare-repeats-a]').textContent`); !strings.Contains(txt, "over 5 repeats") || !strings.Contains(txt, "95% interval of the mean") {
		t.Errorf("repeats of A: %q", txt)
	}
	e.shot(t, "compare-repeats")

	// The season's leaderboard: intervals, and the repeated entrant's runs.
	e.open(t, "#/leaderboard?season=s-demo")
	e.wait(t, "the season's leaderboard", `!!document.querySelector('[data-testid=leaderboard-season]') &&
		document.querySelectorAll('[data-testid=repeats-cell][data-runs="5"]').length === 1 &&
		document.querySelectorAll('[data-testid=leaderboard-row] [data-testid=interval][data-figure=pnlPercent]').length === 28`)
	waitInput(t, e, "analytics/getLeaderboard", "seasonId", "s-demo")
	if txt := eval[string](t, e, `document.querySelector('[data-testid=repeats-cell][data-runs="5"]').textContent`); !strings.Contains(txt, "± 1.34") {
		t.Errorf("repeats cell %q", txt)
	}
	e.shot(t, "season-leaderboard")
}
