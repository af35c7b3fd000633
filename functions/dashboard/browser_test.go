package dashboard

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// These tests load the dashboard in headless Chromium against the fake API
// and relay (fakeapi_test.go) and check what a person would see. With
// DASHBOARD_SCREENSHOTS=dir they also leave screenshots there.

type browserEnv struct {
	ctx  context.Context
	fake *fakeAPI
	srv  *httptest.Server
	tab  *tab
}

func newBrowserEnv(t *testing.T, setup func(*fakeAPI)) *browserEnv {
	t.Helper()
	b := startBrowser(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	fake := newFakeAPI(time.Now().UTC())
	if setup != nil {
		setup(fake)
	}
	srv := httptest.NewServer(site(fake, Options{Title: "Arena <test>"}))
	t.Cleanup(func() {
		fake.close()
		srv.CloseClientConnections()
		srv.Close()
	})
	e := &browserEnv{ctx: ctx, fake: fake, srv: srv, tab: b.newTab(ctx, t, 1400, 900)}
	t.Cleanup(func() {
		if errs := e.tab.jsErrors(); len(errs) > 0 {
			t.Errorf("JavaScript errors:\n%s", strings.Join(errs, "\n"))
		}
	})
	return e
}

func (e *browserEnv) open(t *testing.T, hash string) {
	t.Helper()
	e.tab.navigate(e.ctx, e.srv.URL+"/"+hash)
}

func (e *browserEnv) shot(t *testing.T, name string) {
	t.Helper()
	if dir := os.Getenv("DASHBOARD_SCREENSHOTS"); dir != "" {
		e.tab.screenshot(e.ctx, filepath.Join(dir, name+".png"))
	}
}

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

func TestBrowserArena(t *testing.T) {
	e := newBrowserEnv(t, func(f *fakeAPI) {
		f.afterConnect["trades"] = []fakeEvent{{"trades:updated", append([]map[string]any{f.newTrade("trade-sse-1")}, f.trades...)}}
		f.afterConnect["positions"] = []fakeEvent{{"reset", map[string]any{}}}
		f.dropFirst["conversations"] = true
	})
	ctx, p := e.ctx, e.tab
	e.open(t, "")

	p.waitFor(ctx, "live status", `document.querySelector('[data-testid=sse-status]').textContent === 'live'`)
	var fcp float64
	p.must(ctx, `performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1`, &fcp)
	if fcp < 0 || fcp > 1000 {
		t.Errorf("first contentful paint at %.0f ms, want under 1000 ms", fcp)
	}
	p.waitFor(ctx, "BTC price from the prices stream", `document.querySelector('[data-testid=price-BTC] [data-testid=price-value]')?.textContent === '97,123.45'`)
	p.waitFor(ctx, "ETH and SOL prices", `document.querySelector('[data-testid=price-ETH]') && document.querySelector('[data-testid=price-SOL]')`)
	p.waitFor(ctx, "the equity chart", `document.querySelectorAll('[data-testid=equity-chart] path').length >= 4`)
	p.waitFor(ctx, "positions", `document.querySelectorAll('[data-testid=positions-list] [data-testid=position-row]').length > 0`)
	var loadedAt float64
	p.must(ctx, `performance.now()`, &loadedAt)
	t.Logf("first contentful paint %.0f ms; chart, positions and prices by %.0f ms", fcp, loadedAt)
	p.waitFor(ctx, "a trade pushed over SSE only", `document.querySelector('[data-testid=trades-list] [data-testid=trade-row][data-trade-id="trade-sse-1"]')`)
	p.waitFor(ctx, "trades from RPC", `document.querySelectorAll('[data-testid=trade-row]').length === 61`)
	p.waitFor(ctx, "model chat", `document.querySelectorAll('[data-testid=chat-list] [data-testid=chat-item]').length === 30`)
	e.shot(t, "arena")

	// The aggregate tab draws one line per model name: 3 LLMs and a baseline.
	var legend int
	p.must(ctx, `document.querySelectorAll('[data-testid=legend-row]').length`, &legend)
	if legend != 4 {
		t.Errorf("aggregate legend rows = %d, want 4 (one per model name)", legend)
	}

	// Hostile model output is shown as text, never as markup.
	var hostile struct {
		Pwned   string
		Imgs    int
		Scripts int
		Text    bool
	}
	p.must(ctx, `({
		pwned: document.body.dataset.pwned || "",
		imgs: document.querySelectorAll('#page img').length,
		scripts: document.querySelectorAll('#page script').length,
		text: [...document.querySelectorAll('[data-testid=chat-response]')].some(e => e.textContent.includes('<img src=x onerror='))
	})`, &hostile)
	if hostile.Pwned != "" || hostile.Imgs != 0 || hostile.Scripts != 0 || !hostile.Text {
		t.Errorf("hostile model output: %+v; want no pwned marker, no img/script elements, and the text shown literally", hostile)
	}

	// A reset event refetches through RPC; a dropped stream refetches on reconnect.
	p.waitFor(ctx, "positions refetched after reset", `true`)
	waitCalls(t, e.fake, "trading/getPositions", 2)
	waitCalls(t, e.fake, "models/getInvocations", 2)

	// Hovering the chart shows every line's value at that time.
	var box struct{ X, Y, W, H float64 }
	p.must(ctx, `(() => { const r = document.querySelector('[data-testid=equity-chart]').getBoundingClientRect(); return {x: r.x, y: r.y, w: r.width, h: r.height}; })()`, &box)
	p.mouseMove(ctx, box.X+box.W*0.5, box.Y+box.H*0.5)
	p.waitFor(ctx, "chart tooltip with 4 rows", `!document.querySelector('.chart-tip').hidden && document.querySelectorAll('.chart-tip-row').length === 4`)
	// A position's exit plan opens in place.
	p.must(ctx, `document.querySelector('[data-testid=exit-plan] summary').click()`, nil)
	p.waitFor(ctx, "exit plan", `document.querySelector('[data-testid=exit-plan]').open && document.querySelector('[data-testid=exit-plan]').textContent.includes('4h close back inside the range')`)
	e.shot(t, "arena-hover")
	p.mouseMove(ctx, 5, 5)

	// Tabs switch the sidebar list.
	p.must(ctx, `document.querySelector('[data-testid=tab-chat]').click()`, nil)
	p.waitFor(ctx, "chat tab visible", `!document.querySelector('[data-testid=chat-list]').hidden && document.querySelector('[data-testid=trades-list]').hidden`)
	e.shot(t, "arena-chat")
	p.must(ctx, `document.querySelector('[data-testid=tab-trades]').click()`, nil)
	p.waitFor(ctx, "trades tab visible", `!document.querySelector('[data-testid=trades-list]').hidden`)
	e.shot(t, "arena-trades")

	// A variant tab asks the API for that variant and draws its accounts.
	p.must(ctx, `document.querySelector('[data-testid=variant-tab-Apex]').click()`, nil)
	p.waitFor(ctx, "Apex legend", `document.querySelectorAll('[data-testid=legend-row]').length === 4 && location.hash.includes('variant=Apex')`)
	if v := e.lastInput(t, "trading/getPortfolioHistory")["variant"]; v != "Apex" {
		t.Errorf("getPortfolioHistory variant = %v, want Apex", v)
	}
	p.waitFor(ctx, "only Apex trades", `[...document.querySelectorAll('[data-testid=trade-row]')].every(r => r.textContent.includes('Apex'))`)

	// The model filter narrows every list to one model.
	p.must(ctx, `(() => { const s = document.querySelector('[data-testid=model-filter]'); s.value = 'kimi-k2-thinking'; s.dispatchEvent(new Event('change', {bubbles: true})); })()`, nil)
	p.waitFor(ctx, "filtered trades", `[...document.querySelectorAll('[data-testid=trade-row]')].length > 0 && [...document.querySelectorAll('[data-testid=trade-row]')].every(r => r.textContent.includes('kimi-k2-thinking'))`)
	p.waitFor(ctx, "filtered legend", `document.querySelectorAll('[data-testid=legend-row]').length === 1`)
}

func waitCalls(t *testing.T, f *fakeAPI, proc string, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for f.count(proc) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%s called %d times, want at least %d", proc, f.count(proc), n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestBrowserLeaderboard(t *testing.T) {
	e := newBrowserEnv(t, nil)
	ctx, p := e.ctx, e.tab
	e.open(t, "#/leaderboard")
	rows := `[...document.querySelectorAll('[data-testid=leaderboard-table] [data-testid=leaderboard-row]')]`
	p.waitFor(ctx, "28 leaderboard rows", rows+`.length === 28`)
	p.waitFor(ctx, "live status", `document.querySelector('[data-testid=sse-status]').textContent === 'live'`)
	e.shot(t, "leaderboard")
	if in := e.lastInput(t, "analytics/getLeaderboard"); in["window"] != "7d" || in["sortBy"] != "pnlPercent" || in["variant"] != "all" {
		t.Errorf("first getLeaderboard input = %v, want window 7d, sortBy pnlPercent, variant all", in)
	}

	var baselines struct{ Rows, Badges int }
	p.must(ctx, `({rows: document.querySelectorAll('[data-testid=leaderboard-row][data-kind=baseline]').length,
		badges: document.querySelectorAll('[data-testid=leaderboard-row][data-kind=baseline] [data-testid=baseline-badge]').length})`, &baselines)
	if baselines.Rows != 7 || baselines.Badges != 7 {
		t.Errorf("baselines: %+v, want 7 rows each with a badge", baselines)
	}
	var extras []string
	p.must(ctx, `[...document.querySelectorAll('[data-testid=leaderboard-table] th')].map(th => th.textContent.trim())`, &extras)
	for _, want := range []string{"Sharpe", "Sortino", "Profit factor", "Fees", "Funding", "LLM cost", "Tokens", "Cost / decision", "PnL net of cost", "Failure rate"} {
		if !slicesContains(extras, want) {
			t.Errorf("leaderboard headers %q lack %q", extras, want)
		}
	}

	// PnL % descending by default.
	var pnl []float64
	p.must(ctx, rows+`.map(r => parseFloat(r.children[3].textContent.replace(/[^0-9.-]/g, '')))`, &pnl)
	for i := 1; i < len(pnl); i++ {
		if pnl[i] > pnl[i-1] {
			t.Fatalf("PnL %% not descending at row %d: %v", i, pnl)
		}
	}

	// Drawdown: the server is asked for it and the smallest ranks first.
	p.must(ctx, `document.querySelector('[data-testid=leaderboard-sort] [data-value=maxDrawdown]').click()`, nil)
	p.waitFor(ctx, "drawdown sort in the URL", `location.hash.includes('sort=maxDrawdown')`)
	waitInput(t, e, "analytics/getLeaderboard", "sortBy", "maxDrawdown")
	var dd []float64
	p.must(ctx, rows+`.map(r => parseFloat(r.children[6].textContent))`, &dd)
	for i := 1; i < len(dd); i++ {
		if dd[i] < dd[i-1] {
			t.Fatalf("drawdown not ascending at row %d: %v", i, dd)
		}
	}

	// Window and competition go to the API.
	p.must(ctx, `document.querySelector('[data-testid=leaderboard-window] [data-value="24h"]').click()`, nil)
	waitInput(t, e, "analytics/getLeaderboard", "window", "24h")
	p.must(ctx, `(() => { const s = document.querySelector('[data-testid=leaderboard-variant]'); s.value = 'Sniper'; s.dispatchEvent(new Event('change', {bubbles: true})); })()`, nil)
	waitInput(t, e, "analytics/getLeaderboard", "variant", "Sniper")
	p.waitFor(ctx, "4 Sniper rows", rows+`.length === 4`)

	// Averaging merges each model's variants into one row.
	p.must(ctx, `(() => { const s = document.querySelector('[data-testid=leaderboard-variant]'); s.value = 'all'; s.dispatchEvent(new Event('change', {bubbles: true})); })()`, nil)
	p.waitFor(ctx, "all rows again", rows+`.length === 28`)
	p.must(ctx, `document.querySelector('[data-testid=leaderboard-average]').click()`, nil)
	p.waitFor(ctx, "one row per model", rows+`.length === 4`)
	e.shot(t, "leaderboard-average")
}

func waitInput(t *testing.T, e *browserEnv, proc, key string, want any) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		e.fake.mu.Lock()
		ins := e.fake.inputs[proc]
		var got map[string]any
		if len(ins) > 0 {
			_ = json.Unmarshal(ins[len(ins)-1], &got)
		}
		e.fake.mu.Unlock()
		if got[key] == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("last %s input %v, want %s = %v", proc, got, key, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func slicesContains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestBrowserAnalytics(t *testing.T) {
	e := newBrowserEnv(t, nil)
	ctx, p := e.ctx, e.tab
	e.open(t, "#/analytics")
	p.waitFor(ctx, "overall rows", `document.querySelectorAll('[data-testid=overall-stats-table] [data-testid=overall-row]').length === 28`)
	p.waitFor(ctx, "advanced rows", `document.querySelectorAll('[data-testid=advanced-stats-table] [data-testid=advanced-row]').length === 28`)
	p.waitFor(ctx, "variant cards", `document.querySelectorAll('[data-testid=variant-card]').length === 7`)
	p.waitFor(ctx, "variant history lines", `document.querySelectorAll('[data-testid=variant-history-chart] .chart-lines path').length === 8`)
	p.waitFor(ctx, "run start (a Date from oRPC meta)", `document.querySelector('[data-testid=run-info]').textContent.includes('Run started')`)
	e.shot(t, "analytics")
	var heads []string
	p.must(ctx, `[...document.querySelectorAll('[data-testid=advanced-stats-table] th')].map(th => th.textContent.trim())`, &heads)
	for _, want := range []string{"Avg hold", "Expectancy", "Max lev", "Failure rate"} {
		if !slicesContains(heads, want) {
			t.Errorf("advanced headers %q lack %q", heads, want)
		}
	}
	p.must(ctx, `(() => { const s = document.querySelector('[data-testid=analytics-variant]'); s.value = 'Apex'; s.dispatchEvent(new Event('change', {bubbles: true})); })()`, nil)
	waitInput(t, e, "analytics/getModelStats", "variant", "Apex")
	p.waitFor(ctx, "Apex rows", `document.querySelectorAll('[data-testid=overall-row]').length === 4`)
}

func TestBrowserFailures(t *testing.T) {
	e := newBrowserEnv(t, nil)
	ctx, p := e.ctx, e.tab
	e.open(t, "#/failures")
	p.waitFor(ctx, "failure rows", `document.querySelectorAll('[data-testid=failures-list] [data-testid=failure-row]').length === 12`)
	p.waitFor(ctx, "failure stats", `document.querySelectorAll('[data-testid=failure-stats-table] [data-testid=failure-stats-row]').length === 21`)
	e.shot(t, "failures")
	p.must(ctx, `document.querySelector('[data-testid=failure-row]:nth-child(6)').scrollIntoView()`, nil)
	e.shot(t, "failures-scrolled")
	var codes []string
	p.must(ctx, `[...new Set([...document.querySelectorAll('[data-testid=failure-reason-code]')].map(e => e.textContent))].sort()`, &codes)
	if want := []string{"invalid_tool_call", "provider_error", "timeout", "tool_call_failed"}; strings.Join(codes, ",") != strings.Join(want, ",") {
		t.Errorf("failure reason codes = %v, want %v", codes, want)
	}
	var hostile struct {
		Pwned string
		Imgs  int
	}
	p.must(ctx, `({pwned: document.body.dataset.pwned || "", imgs: document.querySelectorAll('#page img').length})`, &hostile)
	if hostile.Pwned != "" || hostile.Imgs != 0 {
		t.Errorf("hostile failure response became markup: %+v", hostile)
	}
	p.must(ctx, `(() => { const s = document.querySelector('[data-testid=failures-variant]'); s.value = 'Guardian'; s.dispatchEvent(new Event('change', {bubbles: true})); })()`, nil)
	waitInput(t, e, "analytics/getFailures", "variant", "Guardian")
	p.waitFor(ctx, "Guardian failures only", `document.querySelectorAll('[data-testid=failure-row]').length === 2`)
}

func TestBrowserUnknownRouteAndAPIDown(t *testing.T) {
	e := newBrowserEnv(t, nil)
	ctx, p := e.ctx, e.tab
	e.open(t, "#/nowhere")
	p.waitFor(ctx, "not-found page", `document.querySelector('#page').textContent.includes('Not found')`)

	// While the API fails, the page says so (escaping the server's message)
	// and keeps retrying; it recovers on its own once the API is back.
	e.fake.failRPC.Store(true)
	p.must(ctx, `location.hash = '#/leaderboard'`, nil)
	p.waitFor(ctx, "error shown", `document.querySelector('[data-testid=error]')?.textContent.includes('INTERNAL_SERVER_ERROR: database <unavailable>')`)
	e.shot(t, "api-down")
	e.fake.failRPC.Store(false)
	p.waitFor(ctx, "recovered leaderboard", `document.querySelectorAll('[data-testid=leaderboard-row]').length === 28 && !document.querySelector('[data-testid=error]')`)
}
