package seasonimport

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/postgres"
	"github.com/autonome-go/autonome/shared/testenv"
	"github.com/autonome-go/autonome/worker/internal/journal/journaltest"
	"github.com/autonome-go/autonome/worker/internal/season"
)

// A period of the live season, exported from SEASON_DIR, imports like a
// season bundle: replayed from its journals to its hash, stored as source
// "live" with its leaderboard (the roster's names) and equity curves, and
// a journal that does not replay is stored marked failed.
func TestImportLivePeriod(t *testing.T) {
	pool, _ := testenv.Postgres(t)
	ctx := testenv.Context(t, time.Minute)
	dir := t.TempDir()
	journaltest.Write(t, dir, 2)
	period := journaltest.Start.Add(journaltest.Period).Format(time.RFC3339) // two segments, joined by a restart
	m, files, res, err := season.ExportLive(dir, "live", period, season.LiveOptions{Decisions: func(start, end time.Time) ([]season.LiveDecision, error) {
		return []season.LiveDecision{
			{Entrant: "m-apex", At: start.Add(5 * time.Minute), Response: "Buying BTC.", ToolCalls: []season.LiveAction{{Type: "create_position", Metadata: `{"symbol":"BTC"}`}},
				InputTokens: 900, OutputTokens: 60, CostUSD: arena.MustFixed("0.002"), LatencyMS: 1200},
			{Entrant: "m-guard", At: start.Add(10 * time.Minute), Failure: "timeout", ToolCalls: []season.LiveAction{}, LatencyMS: 30000},
		}, nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	var raw bytes.Buffer
	if err := season.Write(&raw, m, files); err != nil {
		t.Fatal(err)
	}
	out, err := Import(ctx, pool, raw.Bytes(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if out.Season.Source != arena.SeasonLive || out.Season.Status() != arena.SeasonReplayed || out.Season.ResultHash != m.ResultHash {
		t.Fatalf("imported %+v", out.Season)
	}
	r := postgres.NewReader(pool)
	s, err := r.Season(ctx, m.ID)
	if err != nil || s.Entrants != len(journaltest.Entrants) || !bytes.Contains(s.Methodology, []byte("every account trades one exchange")) {
		t.Fatalf("stored %+v: %v", s, err)
	}
	entrants, err := r.SeasonEntrants(ctx, m.ID)
	if err != nil || len(entrants) != len(res.Leaderboard) || entrants[0].Name != res.Leaderboard[0].Name || entrants[0].Equity != res.Leaderboard[0].Equity {
		t.Fatalf("entrants %+v: %v; leaderboard %+v", entrants, err, res.Leaderboard)
	}
	for _, e := range entrants {
		for _, s := range res.Equity {
			if s.Entrant == e.EntrantID && e.Capital != s.Points[0].Equity {
				t.Fatalf("entrant %s's period starts from %s, its first equity sample is %s", e.EntrantID, e.Capital, s.Points[0].Equity)
			}
		}
	}
	ds, err := r.SeasonDecisions(ctx, m.ID, "", 100)
	if err != nil || len(ds) != 2 || ds[0].EntrantID != "m-apex" || ds[1].Failure == "" || !bytes.Contains(ds[0].Actions, []byte("create_position")) {
		t.Fatalf("decisions %+v: %v", ds, err)
	}
	if again, err := Import(ctx, pool, raw.Bytes(), Options{}); err != nil || again.Changed {
		t.Fatalf("a second import changed %v: %v", again.Changed, err)
	}

	// A result that the journals do not give: stored, marked failed.
	b, err := season.Read(bytes.NewReader(raw.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	b.Manifest.ID += "-forged"
	b.Manifest.ResultHash = "00" + b.Manifest.ResultHash[2:]
	var forged bytes.Buffer
	if err := season.Write(&forged, b.Manifest, b.Files); err != nil {
		t.Fatal(err)
	}
	out, err = Import(ctx, pool, forged.Bytes(), Options{})
	if !errors.Is(err, ErrNotVerified) || out.Season.Status() != arena.SeasonFailed {
		t.Fatalf("a forged result hash: %v, %+v", err, out.Season)
	}
}
