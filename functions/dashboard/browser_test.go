package dashboard

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/autonome-go/autonome/shared/testenv"
)

// These tests load the dashboard in headless Chromium (chromedp, through
// testenv.Browser) against the fake API and relay (fakeapi_test.go) and
// check what a person would see. With DASHBOARD_SCREENSHOTS=dir (or
// TEST_ARTIFACTS_DIR=dir) they also leave full-page screenshots there.

// waitTimeout bounds each wait for the page; generous because the machine
// running the tests may be busy compiling.
const waitTimeout = 15 * time.Second

type browserEnv struct {
	ctx        context.Context // the chromedp tab
	fake       *fakeAPI
	srv        *httptest.Server
	pageErrors func() []string
	shots      bool
}

func newBrowserEnv(t *testing.T, setup func(*fakeAPI)) *browserEnv {
	t.Helper()
	fake := newFakeAPI(time.Now().UTC())
	if setup != nil {
		setup(fake)
	}
	srv := httptest.NewServer(site(fake, Options{Title: "Arena <test>"}))
	t.Cleanup(func() {
		fake.close()
		srv.CloseClientConnections()
		srv.Close()
		if err := fake.drift.err(); err != nil {
			t.Error(err)
		}
	})
	if dir := os.Getenv("DASHBOARD_SCREENSHOTS"); dir != "" {
		t.Setenv("TEST_ARTIFACTS_DIR", dir)
	}
	ctx := testenv.Browser(t, testenv.WindowSize(1400, 900))
	return &browserEnv{
		ctx:        ctx,
		fake:       fake,
		srv:        srv,
		pageErrors: testenv.FailOnPageErrors(t, ctx),
		shots:      os.Getenv("TEST_ARTIFACTS_DIR") != "",
	}
}

// open loads the dashboard at the hash route and waits for the load event.
func (e *browserEnv) open(t *testing.T, hash string) {
	t.Helper()
	e.do(t, "open "+hash, chromedp.Navigate(e.srv.URL+"/"+hash))
}

// do runs actions on the tab, each step bounded by waitTimeout.
func (e *browserEnv) do(t *testing.T, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(e.ctx, waitTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s: %v; page errors: %v", what, err, e.pageErrors())
	}
}

// click clicks the element matching the CSS selector with the mouse, once
// it is visible.
func (e *browserEnv) click(t *testing.T, sel string) {
	t.Helper()
	e.do(t, "click "+sel, chromedp.Click(chromedp.CSS(sel)))
}

// choose picks value in the <select> matching sel, once that option exists,
// as a person would: the select fires "change".
func (e *browserEnv) choose(t *testing.T, sel, value string) {
	t.Helper()
	e.wait(t, "option "+value+" in "+sel, `document.querySelector(`+jsString(sel+` option[value="`+value+`"]`)+`)`)
	eval[chromedp.Void](t, e, `(() => { const s = document.querySelector(`+jsString(sel)+`); s.value = `+jsString(value)+
		`; s.dispatchEvent(new Event('change', {bubbles: true})); })()`)
}

// wait polls the JavaScript expression in the page until it is truthy. An
// expression that throws (an element not there yet) counts as false.
func (e *browserEnv) wait(t *testing.T, what, expr string) {
	t.Helper()
	pred := `(() => { try { return !!(` + expr + `); } catch (err) { window.__waitError = String(err); return false; } })()`
	ctx, cancel := context.WithTimeout(e.ctx, waitTimeout+5*time.Second)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.Poll[bool](pred,
		chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(waitTimeout)))
	if err != nil {
		last, _ := chromedp.Run(e.ctx, chromedp.Evaluate[string](`String(window.__waitError ?? '')`))
		t.Fatalf("waiting for %s (%s): %v; last exception: %q; page errors: %v", what, expr, err, last, e.pageErrors())
	}
}

// eval evaluates expr in the page and decodes its value.
func eval[T any](t *testing.T, e *browserEnv, expr string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(e.ctx, waitTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

func (e *browserEnv) shot(t *testing.T, name string) {
	t.Helper()
	if e.shots {
		t.Logf("screenshot %s", testenv.Screenshot(t, e.ctx, name))
	}
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string { return strconv.Quote(s) }

// lastInput returns the JSON input of the latest call to proc.
func (e *browserEnv) lastInput(t *testing.T, proc string) map[string]any {
	t.Helper()
	e.fake.mu.Lock()
	defer e.fake.mu.Unlock()
	ins := e.fake.inputs[proc]
	if len(ins) == 0 {
		t.Fatalf("%s was never called", proc)
	}
	var m map[string]any
	_ = json.Unmarshal(ins[len(ins)-1], &m)
	return m
}

// waitCalls waits until the fake has answered proc at least n times.
func waitCalls(t *testing.T, f *fakeAPI, proc string, n int) {
	t.Helper()
	testenv.WaitFor(t, waitTimeout, func() error {
		if got := f.count(proc); got < n {
			return fmt.Errorf("%s called %d times, want at least %d", proc, got, n)
		}
		return nil
	})
}

// waitInput waits until the latest input to proc has key = want.
func waitInput(t *testing.T, e *browserEnv, proc, key string, want any) {
	t.Helper()
	testenv.WaitFor(t, waitTimeout, func() error {
		e.fake.mu.Lock()
		ins := e.fake.inputs[proc]
		var got map[string]any
		if len(ins) > 0 {
			_ = json.Unmarshal(ins[len(ins)-1], &got)
		}
		e.fake.mu.Unlock()
		if got[key] != want {
			return fmt.Errorf("last %s input %v, want %s = %v", proc, got, key, want)
		}
		return nil
	})
}

func TestBrowserArena(t *testing.T) {
	e := newBrowserEnv(t, func(f *fakeAPI) {
		f.afterConnect["trades"] = []fakeEvent{{"trades:updated", append([]map[string]any{f.newTrade("trade-sse-1")}, f.trades...)}}
		f.afterConnect["positions"] = []fakeEvent{{"reset", map[string]any{}}}
		f.dropFirst["conversations"] = true
	})
	e.open(t, "")

	e.wait(t, "live status", `document.querySelector('[data-testid=sse-status]').textContent === 'live'`)
	fcp := eval[float64](t, e, `performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1`)
	if fcp < 0 { // its time is logged below, not judged: a loaded machine says nothing about the page
		t.Errorf("no first contentful paint recorded before the page went live")
	}
	e.wait(t, "BTC price from the prices stream", `document.querySelector('[data-testid=price-BTC] [data-testid=price-value]').textContent === '97,123.45'`)
	e.wait(t, "ETH and SOL prices", `document.querySelector('[data-testid=price-ETH]') && document.querySelector('[data-testid=price-SOL]')`)
	e.wait(t, "the equity chart", `document.querySelectorAll('[data-testid=equity-chart] path').length >= 4`)
	e.wait(t, "positions", `document.querySelectorAll('[data-testid=positions-list] [data-testid=position-row]').length > 0`)
	loadedAt := eval[float64](t, e, `performance.now()`)
	t.Logf("first contentful paint %.0f ms; chart, positions and prices by %.0f ms", fcp, loadedAt)
	// This trade exists only in the SSE event, so it got there without a
	// reload. (The trades tab is not the one shown: the row is hidden.)
	e.do(t, "a trade pushed over SSE only",
		chromedp.WaitReady(chromedp.CSS(`[data-testid=trades-list] [data-testid=trade-row][data-trade-id="trade-sse-1"]`)))
	e.wait(t, "trades from RPC", `document.querySelectorAll('[data-testid=trade-row]').length === 61`)
	e.wait(t, "model chat", `document.querySelectorAll('[data-testid=chat-list] [data-testid=chat-item]').length === 30`)
	e.shot(t, "arena")

	// The aggregate tab draws one line per model name: 3 LLMs and a baseline.
	if legend := eval[int](t, e, `document.querySelectorAll('[data-testid=legend-row]').length`); legend != 4 {
		t.Errorf("aggregate legend rows = %d, want 4 (one per model name)", legend)
	}

	// Hostile model output is shown as text, never as markup.
	hostile := eval[struct {
		Pwned    string `json:"pwned"`
		Imgs     int    `json:"imgs"`
		Scripts  int    `json:"scripts"`
		Text     bool   `json:"text"`
		Bidi     bool   `json:"bidi"`
		Isolated bool   `json:"isolated"`
	}](t, e, `({
		pwned: document.body.dataset.pwned || "",
		imgs: document.querySelectorAll('#page img').length,
		scripts: document.querySelectorAll('#page script').length,
		text: [...document.querySelectorAll('[data-testid=chat-response]')].some(e => e.textContent.includes('<img src=x onerror=')),
		bidi: /[\u202a-\u202e\u2066-\u2069]/.test(document.getElementById('page').textContent),
		isolated: [...document.querySelectorAll('[data-testid=chat-response]')].every(e => e.dir === 'auto' && getComputedStyle(e).unicodeBidi === 'isolate')
	})`)
	if hostile.Bidi || !hostile.Isolated {
		t.Errorf("model text: bidi controls shown %v, isolated %v; want them dropped and the text isolated", hostile.Bidi, hostile.Isolated)
	}
	if hostile.Pwned != "" || hostile.Imgs != 0 || hostile.Scripts != 0 || !hostile.Text {
		t.Errorf("hostile model output: %+v; want no pwned marker, no img/script elements, and the text shown literally", hostile)
	}

	// A reset event refetches through RPC; a dropped stream refetches on reconnect.
	waitCalls(t, e.fake, "trading/getPositions", 2)
	waitCalls(t, e.fake, "models/getInvocations", 2)

	// A position's exit plan opens in place.
	e.click(t, `[data-testid=exit-plan] summary`)
	e.wait(t, "exit plan", `document.querySelector('[data-testid=exit-plan]').open && document.querySelector('[data-testid=exit-plan]').textContent.includes('4h close back inside the range')`)
	// Hovering the chart shows every line's value at that time.
	box := eval[struct{ X, Y, W, H float64 }](t, e,
		`(() => { const r = document.querySelector('[data-testid=equity-chart]').getBoundingClientRect(); return {X: r.x, Y: r.y, W: r.width, H: r.height}; })()`)
	e.do(t, "hover the chart", chromedp.MouseEvent(chromedp.MouseMoved, box.X+box.W*0.5, box.Y+box.H*0.5))
	e.wait(t, "chart tooltip with 4 rows", `!document.querySelector('.chart-tip').hidden && document.querySelectorAll('.chart-tip-row').length === 4`)
	e.shot(t, "arena-hover")
	e.do(t, "move the mouse away", chromedp.MouseEvent(chromedp.MouseMoved, 5, 5))

	// Tabs switch the sidebar list.
	e.click(t, `[data-testid=tab-chat]`)
	e.wait(t, "chat tab visible", `!document.querySelector('[data-testid=chat-list]').hidden && document.querySelector('[data-testid=trades-list]').hidden`)
	e.shot(t, "arena-chat")
	e.click(t, `[data-testid=tab-trades]`)
	e.wait(t, "trades tab visible", `!document.querySelector('[data-testid=trades-list]').hidden`)
	e.shot(t, "arena-trades")

	// A variant tab asks the API for that variant and draws its accounts.
	e.click(t, `[data-testid=variant-tab-Apex]`)
	e.wait(t, "Apex legend", `document.querySelectorAll('[data-testid=legend-row]').length === 4 && location.hash.includes('variant=Apex')`)
	waitInput(t, e, "trading/getPortfolioHistory", "variant", "Apex")
	e.wait(t, "only Apex trades", `[...document.querySelectorAll('[data-testid=trade-row]')].every(r => r.textContent.includes('Apex'))`)

	// A seat the worker cannot run (no key) is labelled in the equity
	// legend, not shown flat at 0.00%.
	e.click(t, `[data-testid=variant-tab-Sniper]`)
	e.wait(t, "the no-key seat labelled in the legend", `[...document.querySelectorAll('[data-testid=legend-row]')].some(r =>
		r.textContent.includes('kimi-k2-thinking') && r.querySelector('[data-testid=nokey-badge]') && r.querySelector('[data-testid=nokey-pnl]'))`)
	e.click(t, `[data-testid=variant-tab-Apex]`)
	e.wait(t, "Apex legend again", `document.querySelectorAll('[data-testid=legend-row]').length === 4`)

	// The model filter narrows every list to one model.
	e.choose(t, `[data-testid=model-filter]`, "kimi-k2-thinking")
	e.wait(t, "filtered trades", `[...document.querySelectorAll('[data-testid=trade-row]')].length > 0 && [...document.querySelectorAll('[data-testid=trade-row]')].every(r => r.textContent.includes('kimi-k2-thinking'))`)
	e.wait(t, "filtered legend", `document.querySelectorAll('[data-testid=legend-row]').length === 1`)
}

// The legend's return is against each account's starting capital as
// models.getModels gives it, not a constant.
func TestBrowserArenaCapitalFromAPI(t *testing.T) {
	e := newBrowserEnv(t, func(f *fakeAPI) {
		for i := range f.accounts {
			if f.accounts[i].Variant == "Apex" && f.accounts[i].Name == "kimi-k2-thinking" {
				f.accounts[i].Capital = 5000
			}
		}
	})
	e.open(t, "#/?variant=Apex")
	e.wait(t, "Apex legend", `document.querySelectorAll('[data-testid=legend-row]').length === 4`)
	e.wait(t, "kimi's return against its 5 000 capital", `[...document.querySelectorAll('[data-testid=legend-row]')].some(r => {
		if (!r.textContent.includes('kimi-k2-thinking')) return false;
		const c = r.querySelectorAll('td');
		const last = Number(c[2].textContent.replace(/[^0-9.-]/g, '')), pct = Number(c[3].textContent.replace(/[^0-9.-]/g, ''));
		return last > 0 && Math.abs(pct - (last - 5000) / 50) < 0.01;
	})`)
}

func TestBrowserLeaderboard(t *testing.T) {
	e := newBrowserEnv(t, nil)
	e.open(t, "#/leaderboard")
	rows := `[...document.querySelectorAll('[data-testid=leaderboard-table] [data-testid=leaderboard-row]')]`
	e.wait(t, "28 leaderboard rows", rows+`.length === 28`)
	e.wait(t, "live status", `document.querySelector('[data-testid=sse-status]').textContent === 'live'`)
	e.shot(t, "leaderboard")
	if in := e.lastInput(t, "analytics/getLeaderboard"); in["window"] != "7d" || in["sortBy"] != "pnlPercent" || in["variant"] != "all" {
		t.Errorf("first getLeaderboard input = %v, want window 7d, sortBy pnlPercent, variant all", in)
	}

	baselines := eval[struct {
		Rows   int `json:"rows"`
		Badges int `json:"badges"`
	}](t, e, `({rows: document.querySelectorAll('[data-testid=leaderboard-row][data-kind=baseline]').length,
		badges: document.querySelectorAll('[data-testid=leaderboard-row][data-kind=baseline] [data-testid=baseline-badge]').length})`)
	if baselines.Rows != 7 || baselines.Badges != 7 {
		t.Errorf("baselines: %+v, want 7 rows each with a badge", baselines)
	}
	// A seat the worker cannot run is labelled, with how to enable it.
	e.wait(t, "the no-key seat labelled", `document.querySelectorAll('[data-testid=leaderboard-row] [data-testid=nokey-badge]').length === 1`)
	nokey := eval[struct {
		Row  string `json:"row"`
		PnL  string `json:"pnl"`
		Note string `json:"note"`
	}](t, e, `(() => { const b = document.querySelector('[data-testid=leaderboard-row] [data-testid=nokey-badge]');
		const row = b.closest('[data-testid=leaderboard-row]');
		return {row: row.dataset.modelId, pnl: row.children[3].textContent, note: document.querySelector('[data-testid=leaderboard-nokey]')?.textContent || ''}; })()`)
	last := eval[string](t, e, rows+`.at(-1).dataset.modelId`)
	if nokey.Row != "m-kimi-k2-thinking-sniper" || last != nokey.Row || nokey.PnL != "not running" || !strings.Contains(nokey.Note, "set NIM_API_KEY") {
		t.Errorf("no-key seat: %+v", nokey)
	}
	heads := eval[[]string](t, e, `[...document.querySelectorAll('[data-testid=leaderboard-table] th')].map(th => th.textContent.trim())`)
	for _, want := range []string{"Sharpe", "Sortino", "Profit factor", "Fees", "Funding", "LLM cost", "Tokens", "Cost / decision", "PnL net of cost", "Failure rate"} {
		if !slices.Contains(heads, want) {
			t.Errorf("leaderboard headers %q lack %q", heads, want)
		}
	}

	// PnL % descending by default.
	pnl := eval[[]float64](t, e, rows+`.filter(r => !r.querySelector('[data-testid=nokey-badge]')).map(r => parseFloat(r.children[3].textContent.replace(/[^0-9.-]/g, '')))`)
	for i := 1; i < len(pnl); i++ {
		if pnl[i] > pnl[i-1] {
			t.Fatalf("PnL %% not descending at row %d: %v", i, pnl)
		}
	}

	// Drawdown: the server is asked for it and the smallest ranks first.
	e.click(t, `[data-testid=leaderboard-sort] [data-value=maxDrawdown]`)
	e.wait(t, "drawdown sort in the URL", `location.hash.includes('sort=maxDrawdown')`)
	waitInput(t, e, "analytics/getLeaderboard", "sortBy", "maxDrawdown")
	dd := eval[[]float64](t, e, rows+`.filter(r => !r.querySelector('[data-testid=nokey-badge]')).map(r => parseFloat(r.children[6].textContent))`)
	for i := 1; i < len(dd); i++ {
		if dd[i] < dd[i-1] {
			t.Fatalf("drawdown not ascending at row %d: %v", i, dd)
		}
	}

	// Window and competition go to the API.
	e.click(t, `[data-testid=leaderboard-window] [data-value="24h"]`)
	waitInput(t, e, "analytics/getLeaderboard", "window", "24h")
	e.choose(t, `[data-testid=leaderboard-variant]`, "Sniper")
	waitInput(t, e, "analytics/getLeaderboard", "variant", "Sniper")
	e.wait(t, "4 Sniper rows", rows+`.length === 4`)

	// Averaging merges each model's variants into one row.
	e.choose(t, `[data-testid=leaderboard-variant]`, "all")
	e.wait(t, "all rows again", rows+`.length === 28`)
	e.click(t, `[data-testid=leaderboard-average]`)
	e.wait(t, "one row per model", rows+`.length === 4`)
	e.shot(t, "leaderboard-average")
}

func TestBrowserAnalytics(t *testing.T) {
	e := newBrowserEnv(t, nil)
	e.open(t, "#/analytics")
	e.wait(t, "overall rows", `document.querySelectorAll('[data-testid=overall-stats-table] [data-testid=overall-row]').length === 28`)
	e.wait(t, "advanced rows", `document.querySelectorAll('[data-testid=advanced-stats-table] [data-testid=advanced-row]').length === 28`)
	e.wait(t, "variant cards", `document.querySelectorAll('[data-testid=variant-card]').length === 7`)
	e.wait(t, "variant history lines", `document.querySelectorAll('[data-testid=variant-history-chart] .chart-lines path').length === 8`)
	e.wait(t, "run start (a Date from oRPC meta)", `document.querySelector('[data-testid=run-info]').textContent.includes('Run started')`)
	e.shot(t, "analytics")
	heads := eval[[]string](t, e, `[...document.querySelectorAll('[data-testid=advanced-stats-table] th')].map(th => th.textContent.trim())`)
	for _, want := range []string{"Avg hold", "Expectancy", "Max lev", "Failure rate"} {
		if !slices.Contains(heads, want) {
			t.Errorf("advanced headers %q lack %q", heads, want)
		}
	}
	e.choose(t, `[data-testid=analytics-variant]`, "Apex")
	waitInput(t, e, "analytics/getModelStats", "variant", "Apex")
	e.wait(t, "Apex rows", `document.querySelectorAll('[data-testid=overall-row]').length === 4`)
}

func TestBrowserFailures(t *testing.T) {
	e := newBrowserEnv(t, nil)
	e.open(t, "#/failures")
	e.wait(t, "failure rows", `document.querySelectorAll('[data-testid=failures-list] [data-testid=failure-row]').length === 12`)
	e.wait(t, "failure stats", `document.querySelectorAll('[data-testid=failure-stats-table] [data-testid=failure-stats-row]').length === 21`)
	e.shot(t, "failures") // full page: every row, no scrolled shot needed
	codes := eval[[]string](t, e, `[...new Set([...document.querySelectorAll('[data-testid=failure-reason-code]')].map(e => e.textContent))].sort()`)
	if want := []string{"invalid_tool_call", "provider_error", "timeout", "tool_call_failed"}; !slices.Equal(codes, want) {
		t.Errorf("failure reason codes = %v, want %v", codes, want)
	}
	hostile := eval[struct {
		Pwned string `json:"pwned"`
		Imgs  int    `json:"imgs"`
	}](t, e, `({pwned: document.body.dataset.pwned || "", imgs: document.querySelectorAll('#page img').length})`)
	if hostile.Pwned != "" || hostile.Imgs != 0 {
		t.Errorf("hostile failure response became markup: %+v", hostile)
	}
	e.choose(t, `[data-testid=failures-variant]`, "Guardian")
	waitInput(t, e, "analytics/getFailures", "variant", "Guardian")
	e.wait(t, "Guardian failures only", `document.querySelectorAll('[data-testid=failure-row]').length === 2`)
}

func TestBrowserUnknownRouteAndAPIDown(t *testing.T) {
	e := newBrowserEnv(t, nil)
	e.open(t, "#/nowhere")
	e.wait(t, "not-found page", `document.querySelector('#page').textContent.includes('Not found')`)

	// While the API fails, the page says so (escaping the server's message)
	// and keeps retrying; it recovers on its own once the API is back.
	e.fake.failRPC.Store(true)
	eval[chromedp.Void](t, e, `location.hash = '#/leaderboard'`)
	e.wait(t, "error shown", `document.querySelector('[data-testid=error]').textContent.includes('INTERNAL_SERVER_ERROR: database <unavailable>')`)
	e.shot(t, "api-down")
	e.fake.failRPC.Store(false)
	e.wait(t, "recovered leaderboard", `document.querySelectorAll('[data-testid=leaderboard-row]').length === 28 && !document.querySelector('[data-testid=error]')`)
}
