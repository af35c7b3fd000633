package e2e

import (
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/autonome-go/autonome/shared/testenv"
)

// page drives the dashboard in Chromium.
type page struct {
	t   *testing.T
	ctx context.Context
}

func (p *page) run(what string, actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		p.t.Fatalf("%s: %v", what, err)
	}
}

// waitFor polls a JavaScript predicate until it holds or d passes, and
// returns how long it took.
func (p *page) waitFor(what, expr string, d time.Duration) time.Duration {
	p.t.Helper()
	start := time.Now()
	pred := `(() => { try { return !!(` + expr + `); } catch (e) { return false; } })()`
	ctx, cancel := context.WithTimeout(p.ctx, d+5*time.Second)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.Poll[bool](pred, chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(d)))
	if err != nil {
		p.t.Fatalf("waiting %s for %s: %v", d, what, err)
	}
	return time.Since(start)
}

func tradeRow(id string) string {
	return fmt.Sprintf(`document.querySelector('[data-testid=trades-list] [data-testid=trade-row][data-trade-id=%q]')`, id)
}

// A trade made by the worker appears in the dashboard's trades list within
// 5 s without a reload, and a relay killed and restarted meanwhile loses
// none: the browser reconnects with Last-Event-ID and receives what it missed.
func TestDashboardShowsTradesLiveAcrossRelayRestart(t *testing.T) {
	s := StartStack(t)
	ctx := testenv.Context(t, 3*time.Minute)
	var models modelsOut
	if err := retry(ctx, func() error { return s.call(ctx, "models/getModels", map[string]any{}, &models, "") }); err != nil {
		t.Fatal(err)
	}
	if len(models.Models) == 0 {
		t.Fatal("no models seeded")
	}
	model := models.Models[0].ID

	p := &page{t: t, ctx: testenv.Browser(t, testenv.WindowSize(1400, 900))}
	p.run("open the dashboard", chromedp.Navigate(s.URL+"/#/"))
	live := p.waitFor("SSE live", `document.querySelector('[data-testid=sse-status]').textContent.trim() === 'live'`, 20*time.Second)
	t.Logf("the page's streams were all open %s after it loaded", live.Round(time.Millisecond))
	p.waitFor("a BTC price", `document.querySelector('[data-testid=price-BTC]').textContent.match(/[0-9]/)`, 20*time.Second)
	// The side tabs are drawn again as their counts arrive, so a node found
	// by one call may be gone by the next: click in the page until selected.
	p.waitFor("the trades tab selected", `(() => {
		const tab = () => document.querySelector('[data-testid=tab-trades]');
		if (tab() && tab().getAttribute('aria-selected') !== 'true') tab().click();
		return tab()?.getAttribute('aria-selected') === 'true';
	})()`, 10*time.Second)

	first := s.roundTrip(t, ctx, model, "BTC", "0.01")
	took := p.waitFor("trade "+first+" in the list", tradeRow(first), 5*time.Second)
	t.Logf("trade %s appeared %s after the API reported it", first, took.Round(time.Millisecond))

	// The relay dies without a goodbye; trades happen while it is down.
	s.Relay.kill(syscall.SIGKILL)
	missed := []string{s.roundTrip(t, ctx, model, "ETH", "0.1"), s.roundTrip(t, ctx, model, "SOL", "1")}
	p.waitFor("the page noticing the relay is gone", `document.querySelector('[data-testid=sse-status]').textContent.trim() !== 'live'`, 40*time.Second)
	s.Relay.start(t)
	for _, id := range missed {
		p.waitFor("trade "+id+" made while the relay was down", tradeRow(id), 40*time.Second)
	}
	// Nothing the API knows is missing from the page.
	for id := range s.tradeIDs(t, ctx) {
		p.waitFor("trade "+id, tradeRow(id), 10*time.Second)
	}

	for _, route := range []string{"#/", "#/leaderboard", "#/analytics", "#/failures"} {
		p.run("open "+route, chromedp.Navigate(s.URL+"/"+route))
		p.waitFor("the page to draw", `document.querySelector('main') && document.querySelector('main').textContent.length > 50`, 20*time.Second)
		name := map[string]string{"#/": "arena", "#/leaderboard": "leaderboard", "#/analytics": "analytics", "#/failures": "failures"}[route]
		t.Logf("screenshot %s: %s", name, testenv.Screenshot(t, p.ctx, name))
	}
}
