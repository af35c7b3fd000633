package dashboard

import (
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/autonome-go/autonome/functions/internal/rpc"
	"github.com/autonome-go/autonome/functions/internal/rpc/rpctest"
	"github.com/autonome-go/autonome/shared/testenv"
)

// seasonsEnv serves the dashboard beside the real API on the rpc test
// fixture, whose seasons are imported through the importer's SQL: a
// replayed season and its A/B child (checksums only).
func seasonsEnv(t *testing.T) *browserEnv {
	t.Helper()
	env := rpctest.Seed(t)
	mux := http.NewServeMux()
	mux.Handle("/api/rpc/", rpc.NewHandler(env.Deps, env.Options()))
	mux.Handle("/", Handler(Options{Title: "Arena"}))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	ctx := testenv.Browser(t, testenv.WindowSize(1400, 1000))
	return &browserEnv{ctx: ctx, srv: srv, pageErrors: testenv.FailOnPageErrors(t, ctx), shots: os.Getenv("TEST_ARTIFACTS_DIR") != ""}
}

// The Seasons page lists the imported seasons with their hash and
// verification; a season shows its leaderboard, equity, methodology and
// decisions; the A/B season shows the swapped entrant's equity in A and B
// and exactly the slots where its decisions differ.
func TestBrowserSeasons(t *testing.T) {
	e := seasonsEnv(t)
	e.open(t, "#/seasons")
	rows := `[...document.querySelectorAll('[data-testid=season-row]')]`
	e.wait(t, "two seasons", rows+`.length === 2`)
	got := eval[[]string](t, e, rows+`.map(r => r.dataset.seasonId + ' ' + r.querySelector('[data-testid=season-hash]').title + ' ' +
		r.querySelector('[data-testid=season-verification]').dataset.verification)`)
	want := []string{rpctest.Season + " " + "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1 replayed",
		rpctest.SeasonAB + " " + "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2 checksums"}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("seasons listed as %q, want %q", got, want)
	}
	e.shot(t, "seasons")

	e.click(t, `[data-season-id="`+rpctest.SeasonAB+`"] [data-testid=season-link]`)
	e.wait(t, "the A/B pair", `document.querySelector('[data-testid=pair-title]')?.textContent.includes('trader/Apex')`)
	e.wait(t, "both equity curves of the pair", `document.querySelectorAll('[data-testid=pair-chart] path.line, [data-testid=pair-chart] path').length >= 2`)
	e.wait(t, "the leaderboard of the season", `document.querySelectorAll('[data-testid=season-leaderboard-row]').length === 2`)
	e.wait(t, "the methodology's models", `document.querySelectorAll('[data-testid=season-model]').length === 2`)
	e.wait(t, "the decisions", `document.querySelectorAll('[data-testid=season-decision]').length === 8`)
	diff := eval[int](t, e, `document.querySelectorAll('[data-testid=pair-diff-row]').length`)
	note := eval[string](t, e, `document.querySelector('[data-testid=pair-note]').textContent`)
	if diff != 2 {
		t.Errorf("%d differing decisions shown, the fixture's B differs at 2 slots (%s)", diff, note)
	}
	first := eval[string](t, e, `document.querySelector('[data-testid=season-leaderboard-row]').dataset.entrant`)
	if first != rpctest.SeasonBase {
		t.Errorf("the A/B season's leader is %s", first)
	}
	e.shot(t, "season-ab")
}
