package seasonimport

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/postgres"
	"github.com/autonome-go/autonome/shared/testenv"
	"github.com/autonome-go/autonome/worker/internal/season"
)

var tapeStart = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

const baselines = "models: []\nbaselines: [buy-and-hold-btc, momentum, random]\n"

var tape = sync.OnceValues(func() ([]byte, error) {
	return season.SyntheticTape(context.Background(), 7, tapeStart, 2*time.Second, 40*time.Minute)
})

// baselineSeason runs a 30-minute season of three baselines on a seeded
// synthetic tape and returns it with its bundle.
func baselineSeason(t *testing.T) (*season.Season, *season.Result, []byte) {
	t.Helper()
	tape, err := tape()
	if err != nil {
		t.Fatal(err)
	}
	s, err := season.New(season.Plan{ID: "imp", Tape: tape, Roster: []byte(baselines), Duration: 30 * time.Minute, BaselineSeed: 3})
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Run(context.Background(), season.RunOptions{Parallel: 1})
	if err != nil {
		t.Fatal(err)
	}
	return s, res, bundle(t, s, s.Manifest(res), res)
}

func bundle(t *testing.T, s *season.Season, m season.Manifest, res *season.Result) []byte {
	t.Helper()
	files, err := s.Files(res)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := season.Write(&buf, m, files); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// An imported bundle is replayed to its hash and stored with its
// leaderboard, equity curves, decisions and methodology; importing it again
// changes nothing.
func TestImportIsVerifiedAndIdempotent(t *testing.T) {
	pool, _ := testenv.Postgres(t)
	ctx := testenv.Context(t, time.Minute)
	_, res, b := baselineSeason(t)
	now := func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }
	out, err := Import(ctx, pool, b, Options{Now: now, Parallel: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !out.Changed || out.Season.Status() != arena.SeasonReplayed || out.Season.ResultHash != res.Hash {
		t.Fatalf("import: %+v, want replayed %s", out, res.Hash)
	}
	r := postgres.NewReader(pool)
	s, err := r.Season(ctx, "imp")
	if err != nil || s.ResultHash != res.Hash || s.Status() != arena.SeasonReplayed || !s.VerifiedAt.Equal(now()) ||
		s.BundleBytes != int64(len(b)) || s.Name != "imp" || !bytes.Contains(s.Methodology, []byte(`"5m0s"`)) {
		t.Fatalf("stored season %s %s %s %v %d %q err=%v", s.ID, s.ResultHash, s.Status(), s.VerifiedAt, s.BundleBytes, s.Name, err)
	}
	if list, err := r.Seasons(ctx); err != nil || len(list) != 1 || list[0].ID != "imp" || list[0].Entrants != 3 {
		t.Fatalf("seasons: %v %+v", err, list)
	}
	if _, err := r.Season(ctx, "nope"); arena.ErrorCode(err) != arena.CodeNotFound {
		t.Errorf("unknown season: %v", err)
	}
	es, err := r.SeasonEntrants(ctx, "imp")
	if err != nil || len(es) != len(res.Leaderboard) {
		t.Fatalf("entrants %v %v", es, err)
	}
	for i, e := range es {
		w := res.Leaderboard[i]
		if e.EntrantID != w.Entrant || e.Rank != w.Rank || e.Equity != w.Equity || e.Fills != w.Fills || e.Decisions != w.Decisions {
			t.Errorf("entrant %d: stored %+v, result %+v", i, e, w)
		}
	}
	eq, err := r.SeasonEquity(ctx, "imp", nil)
	if err != nil || len(eq) != 3*len(res.Equity[0].Points) || len(res.Equity[0].Points) < 6 {
		t.Fatalf("equity: %d points (%v), result has %d per entrant", len(eq), err, len(res.Equity[0].Points))
	}
	ds, err := r.SeasonDecisions(ctx, "imp", "", 1000)
	if err != nil || len(ds) == 0 || len(ds) != len(res.Invocations) {
		t.Fatalf("decisions: %d (%v), result %d", len(ds), err, len(res.Invocations))
	}
	// The closed trades, as the run closed them (resets excluded).
	want := 0
	for _, et := range res.Trades {
		for _, p := range et.Trades {
			if !p.ClosedTrade() || p.ClosedQuantity <= 0 {
				t.Fatalf("%s: a recorded trade that is not a closed trade: %+v", et.Entrant, p)
			}
			want++
		}
	}
	trades, err := r.SeasonTrades(ctx, "imp", nil)
	if err != nil || len(trades) != want || want == 0 {
		t.Fatalf("trades: %d stored (%v), %d in the result (the baselines must trade)", len(trades), err, want)
	}
	for _, p := range trades {
		if p.ClosedAt.Before(p.OpenedAt) || p.ExitPrice <= 0 || p.EntryPrice <= 0 {
			t.Fatalf("stored trade %+v", p)
		}
	}
	again, err := Import(ctx, pool, b, Options{Now: func() time.Time { return now().Add(time.Hour) }, Parallel: 1})
	if err != nil || again.Changed {
		t.Fatalf("re-import: %+v %v", again, err)
	}
	if s2, _ := r.Season(ctx, "imp"); !s2.VerifiedAt.Equal(now()) {
		t.Fatal("a re-import rewrote the season")
	}
	damaged := bytes.Clone(b)
	damaged[len(damaged)/2] ^= 1
	if _, err := Import(ctx, pool, damaged, Options{}); err == nil {
		t.Error("a damaged bundle was imported")
	}
}

// A bundle whose manifest promises another result is stored as failed,
// with the difference, and the import says so; the right bundle then
// replaces it, and a verified season is never replaced by another result.
func TestImportMarksWrongResult(t *testing.T) {
	pool, _ := testenv.Postgres(t)
	ctx := testenv.Context(t, time.Minute)
	s, res, good := baselineSeason(t)
	m := s.Manifest(res)
	m.ResultHash = "0000000000000000000000000000000000000000000000000000000000000000"
	bad := bundle(t, s, m, res)
	var mm *season.Mismatch
	out, err := Import(ctx, pool, bad, Options{Parallel: 1})
	if !errors.Is(err, ErrNotVerified) || !errors.As(err, &mm) || out.Season.Status() != arena.SeasonFailed {
		t.Fatalf("a wrong result hash: %+v %v", out.Season, err)
	}
	r := postgres.NewReader(pool)
	if s, _ := r.Season(ctx, "imp"); s.Status() != arena.SeasonFailed || s.VerifyError == "" {
		t.Fatalf("stored as %s (%q)", s.Status(), s.VerifyError)
	}
	out, err = Import(ctx, pool, bad, Options{ChecksumsOnly: true})
	if err != nil || out.Changed {
		t.Fatalf("checksums-only over a failed replay: %+v %v", out, err)
	}
	if out, err = Import(ctx, pool, good, Options{Parallel: 1}); err != nil || !out.Changed || out.Season.Status() != arena.SeasonReplayed {
		t.Fatalf("the right bundle: %+v %v", out, err)
	}
	if _, err := Import(ctx, pool, bad, Options{ChecksumsOnly: true}); !errors.Is(err, postgres.ErrSeasonConflict) {
		t.Fatalf("same id, other hash over a verified season: %v", err)
	}
}

// The methodology card flags a model whose training may cover the tape.
func TestMethodologyFlagsModelsThatSawTheTape(t *testing.T) {
	for _, c := range []struct {
		model string
		start time.Time
		want  Exposure
	}{
		{"moonshotai/kimi-k2-thinking", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), PossiblySeen},
		{"moonshotai/kimi-k2-thinking", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Unseen},
		{"test/unknown", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), UnknownCutoff},
	} {
		if _, got := exposure(c.model, false, c.start); got != c.want {
			t.Errorf("%s from %s: %s, want %s", c.model, c.start, got, c.want)
		}
	}
	Cutoffs["test/documented"] = Cutoff{Cutoff: day("2025-06-01"), Released: day("2025-09-01")}
	defer delete(Cutoffs, "test/documented")
	if _, got := exposure("test/documented", false, day("2025-05-01")); got != Seen {
		t.Errorf("documented cutoff after the tape: %s", got)
	}
	if _, got := exposure("test/documented", false, day("2025-07-01")); got != Unseen {
		t.Errorf("documented cutoff before the tape (release after): %s", got)
	}
}
