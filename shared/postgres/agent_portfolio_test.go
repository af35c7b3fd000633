package postgres_test

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/postgres"
	"github.com/autonome-go/autonome/shared/testenv"
)

func TestInsertSnapshotsRoundsHalfAwayFromZero(t *testing.T) {
	pool, _ := testenv.Postgres(t)
	ctx := testenv.Context(t, 30*time.Second)
	ids := seedModels(t, pool, 3)
	s := postgres.NewAgents(pool)
	at := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	n, err := s.InsertSnapshots(ctx, at, []arena.EquitySnapshot{
		{ModelID: ids[0], Equity: arena.MustFixed("10000.005")},
		{ModelID: ids[1], Equity: arena.MustFixed("9999.99499999")},
		{ModelID: ids[2], Equity: arena.MustFixed("-0.005")},
	})
	if err != nil || n != 3 {
		t.Fatalf("inserted %d, %v", n, err)
	}
	got := map[string]string{}
	rows, err := pool.Query(ctx, `SELECT "modelId", "netPortfolio"::text FROM "PortfolioSize" WHERE "createdAt" = $1 AND "resolution" = 'raw'`, at)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, v string
		if err := rows.Scan(&id, &v); err != nil {
			t.Fatal(err)
		}
		got[id] = v
	}
	want := map[string]string{ids[0]: "10000.01", ids[1]: "9999.99", ids[2]: "-0.01"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
}

// raw inserts raw snapshots of one model: n per hour starting at start, one
// a minute, whose values (cents) have an exact mean of meanCents.
func raw(t *testing.T, pool *pgxpool.Pool, rng *rand.Rand, model string, start time.Time, n int, meanCents int64) []int64 {
	t.Helper()
	vals := make([]int64, n)
	var sum int64
	for i := range n - 1 {
		vals[i] = meanCents + rng.Int64N(40_001) - 20_000
		sum += vals[i]
	}
	vals[n-1] = meanCents*int64(n) - sum
	for i, v := range vals {
		_, err := pool.Exec(context.Background(), `INSERT INTO "PortfolioSize" ("id", "modelId", "netPortfolio", "createdAt", "updatedAt")
			VALUES ($1, $2, $3::numeric / 100, $4, $4)`, uuid.NewString(), model, v, start.Add(time.Duration(i)*time.Minute))
		if err != nil {
			t.Fatal(err)
		}
	}
	return vals
}

type bucketMean struct{ sum, points int64 }

// hourBuckets reads the trigger-maintained hourly buckets: Σ cents and points.
func hourBuckets(t *testing.T, pool *pgxpool.Pool) map[string]bucketMean {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT "modelId" || '@' || to_char("bucketStart" AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24'),
		"sumCents", "points" FROM "PortfolioBuckets" WHERE "width" = 3600`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]bucketMean{}
	for rows.Next() {
		var k string
		var b bucketMean
		if err := rows.Scan(&k, &b.sum, &b.points); err != nil {
			t.Fatal(err)
		}
		out[k] = b
	}
	return out
}

type rolled struct {
	Resolution string
	Cents      int64
	Samples    int
}

func rollups(t *testing.T, pool *pgxpool.Pool) map[string]rolled {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT "modelId" || '@' || to_char("createdAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'),
		"resolution", ("netPortfolio" * 100)::int8, "samples" FROM "PortfolioSize" WHERE "resolution" <> 'raw'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]rolled{}
	for rows.Next() {
		var k string
		var r rolled
		if err := rows.Scan(&k, &r.Resolution, &r.Cents, &r.Samples); err != nil {
			t.Fatal(err)
		}
		out[k] = r
	}
	return out
}

// roundDiv is sum/n rounded half away from zero, as PostgreSQL's round().
func roundDiv(sum, n int64) int64 {
	q, r := sum/n, sum%n
	if 2*abs(r) >= n {
		if sum < 0 {
			return q - 1
		}
		return q + 1
	}
	return q
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

func TestRetentionKeepsHourlyAndDailyMeans(t *testing.T) {
	pool, _ := testenv.Postgres(t)
	ctx := testenv.Context(t, 120*time.Second)
	ids := seedModels(t, pool, 2)
	s := postgres.NewAgents(pool)
	rng := rand.New(rand.NewPCG(3, 5))
	now := time.Date(2026, 3, 20, 12, 34, 0, 0, time.UTC)
	a, b := ids[0], ids[1]

	// Two whole hours nine days ago: rolled into hourly rows.
	h1, h2 := time.Date(2026, 3, 11, 8, 0, 0, 0, time.UTC), time.Date(2026, 3, 11, 9, 0, 0, 0, time.UTC)
	raw(t, pool, rng, a, h1, 60, 1_012_345)
	raw(t, pool, rng, a, h2, 60, 998_001)
	raw(t, pool, rng, b, h1.Add(30*time.Minute), 30, 1_000_000) // half an hour of data
	// The last hour before the cutoff (12:00 seven days ago) rolls; the
	// hour containing the cutoff stays raw.
	edge := time.Date(2026, 3, 13, 11, 0, 0, 0, time.UTC)
	raw(t, pool, rng, a, edge, 60, 1_001_000)
	raw(t, pool, rng, a, edge.Add(time.Hour), 40, 1_002_000)
	// A day older than 30 days, three hours of 10: rolled into one daily row.
	d0 := time.Date(2026, 2, 10, 0, 0, 0, 0, time.UTC)
	var daySum int64
	for i, m := range []int64{1_100_000, 1_050_003, 1_020_017} {
		for _, v := range raw(t, pool, rng, b, d0.Add(time.Duration(i*5)*time.Hour), 10, m) {
			daySum += v
		}
	}
	// Recent snapshots stay raw.
	raw(t, pool, rng, a, now.Add(-24*time.Hour), 10, 1_000_000)

	before := hourBuckets(t, pool)
	var rawBefore int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM "PortfolioSize"`).Scan(&rawBefore); err != nil {
		t.Fatal(err)
	}

	r, err := s.RollUpSnapshots(ctx, now, 7*24*time.Hour, 30*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if r.RawRolled != 60+60+30+60+30 || r.HourRows != 4+3 || r.HourRolled != 3 || r.DayRows != 1 {
		t.Fatalf("roll-up %+v", r)
	}

	want := map[string]rolled{
		a + "@2026-03-11 08:00": {"hour", 1_012_345, 60},
		a + "@2026-03-11 09:00": {"hour", 998_001, 60},
		b + "@2026-03-11 08:00": {"hour", 1_000_000, 30},
		a + "@2026-03-13 11:00": {"hour", 1_001_000, 60},
		b + "@2026-02-10 00:00": {"day", roundDiv(daySum, 30), 30},
	}
	if diff := cmp.Diff(want, rollups(t, pool)); diff != "" {
		t.Fatalf("rolled-up rows (-want +got):\n%s", diff)
	}
	// The hourly mean the API reads is unchanged for every hour kept at
	// hourly resolution; recent and partial hours are untouched.
	after := hourBuckets(t, pool)
	for k, bm := range before {
		if k[len(k)-13:len(k)-3] == "2026-02-10" {
			continue // rolled into a day
		}
		am, ok := after[k]
		if !ok || bm.sum*am.points != am.sum*bm.points {
			t.Errorf("hour %s: mean %d/%d before, %d/%d after", k, bm.sum, bm.points, am.sum, am.points)
		}
	}
	var kept int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM "PortfolioSize" WHERE "resolution" = 'raw'`).Scan(&kept); err != nil {
		t.Fatal(err)
	}
	if kept != 40+10 {
		t.Fatalf("%d raw rows kept, want 50", kept)
	}

	// Idempotent.
	r2, err := s.RollUpSnapshots(ctx, now, 7*24*time.Hour, 30*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if r2.RawRolled != 0 || r2.HourRows != 0 || r2.HourRolled != 0 || r2.DayRows != 0 {
		t.Fatalf("second run changed %+v", r2)
	}
	if diff := cmp.Diff(want, rollups(t, pool)); diff != "" {
		t.Fatalf("second run changed rows (-want +got):\n%s", diff)
	}
}

// A late raw row of an hour already rolled up is merged, weighted by the
// samples each side stands for.
func TestRetentionMergesLateRows(t *testing.T) {
	pool, _ := testenv.Postgres(t)
	ctx := testenv.Context(t, 60*time.Second)
	m := seedModels(t, pool, 1)[0]
	s := postgres.NewAgents(pool)
	rng := rand.New(rand.NewPCG(1, 2))
	now := time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)
	h := time.Date(2026, 3, 10, 5, 0, 0, 0, time.UTC)
	raw(t, pool, rng, m, h, 3, 1_000_000)
	if _, err := s.RollUpSnapshots(ctx, now, 7*24*time.Hour, 30*24*time.Hour); err != nil {
		t.Fatal(err)
	}
	raw(t, pool, rng, m, h.Add(10*time.Minute), 1, 1_000_400)
	if _, err := s.RollUpSnapshots(ctx, now, 7*24*time.Hour, 30*24*time.Hour); err != nil {
		t.Fatal(err)
	}
	got := rollups(t, pool)[m+"@2026-03-10 05:00"]
	if want := (rolled{"hour", 1_000_100, 4}); got != want {
		t.Fatalf("merged row %+v, want %+v", got, want)
	}
}
