package postgres_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/postgres"
	"github.com/autonome-go/autonome/shared/testenv"
)

// seedModels creates n LLM models and returns their ids in name order.
func seedModels(t *testing.T, pool *pgxpool.Pool, n int) []string {
	t.Helper()
	ctx := testenv.Context(t, 30*time.Second)
	roster := arena.DefaultRoster()[:n]
	if _, err := postgres.Seed(ctx, pool, roster, arena.FixedInt(10_000)); err != nil {
		t.Fatal(err)
	}
	models, err := postgres.NewReader(pool).Models(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, len(models))
	for i, m := range models {
		ids[i] = m.ID
	}
	return ids
}

type snap struct {
	id      string
	model   string
	cents   int64
	at      time.Time
	samples int64 // raw snapshots a rolled-up row stands for
}

func rawSnaps(t *testing.T, pool *pgxpool.Pool) []snap {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT "id", "modelId", ("netPortfolio"*100)::int8, "createdAt", "samples" FROM "PortfolioSize" ORDER BY "modelId", "createdAt", "id"`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []snap
	for rows.Next() {
		var s snap
		if err := rows.Scan(&s.id, &s.model, &s.cents, &s.at, &s.samples); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// The buckets the triggers maintain always equal a full scan of the raw
// snapshots, whatever order rows arrive in and however they are later
// updated or deleted (retention).
func TestPortfolioBucketsMatchRawScan(t *testing.T) {
	pool, _ := testenv.Postgres(t)
	ctx := testenv.Context(t, 120*time.Second)
	ids := seedModels(t, pool, 3)
	rng := rand.New(rand.NewPCG(7, 11))
	base := time.Date(2026, 2, 1, 22, 17, 0, 0, time.UTC)

	insert := func(batch []snap) {
		t.Helper()
		var mids, sids, vals, res []string
		var ats []time.Time
		var samples []int64
		for _, s := range batch {
			sids, mids, ats = append(sids, s.id), append(mids, s.model), append(ats, s.at)
			vals = append(vals, fmt.Sprintf("%d.%02d", s.cents/100, s.cents%100))
			samples = append(samples, max(s.samples, 1))
			res = append(res, map[bool]string{true: "hour", false: "raw"}[s.samples > 1])
		}
		_, err := pool.Exec(ctx, `INSERT INTO "PortfolioSize" ("id", "modelId", "netPortfolio", "createdAt", "samples", "resolution")
			SELECT * FROM unnest($1::text[], $2::text[], $3::numeric[], $4::timestamptz[], $5::int[], $6::text[])`,
			sids, mids, vals, ats, samples, res)
		if err != nil {
			t.Fatal(err)
		}
	}
	// Three days of snapshots roughly every minute, inserted in batches of
	// random size and partly out of order.
	var all []snap
	for i := 0; i < 3*24*60; i++ {
		for j, m := range ids {
			v := 1_000_000 + int64(50_000*math.Sin(float64(i)/300+float64(j))) + rng.Int64N(20_000)
			all = append(all, snap{fmt.Sprintf("s%d-%d", i, j), m, v, base.Add(time.Duration(i)*time.Minute + time.Duration(rng.IntN(50))*time.Second), 1})
		}
	}
	rng.Shuffle(len(all)/10, func(i, j int) { all[i], all[j] = all[j], all[i] }) // the first tenth arrives shuffled
	for len(all) > 0 {
		n := min(len(all), 1+rng.IntN(400))
		insert(all[:n])
		all = all[n:]
	}
	// Retention-like changes: delete a stretch, replace it with one row per
	// hour, and correct a few values.
	if _, err := pool.Exec(ctx, `DELETE FROM "PortfolioSize" WHERE "createdAt" < $1`, base.Add(10*time.Hour)); err != nil {
		t.Fatal(err)
	}
	var hourly []snap
	for h := 0; h < 10; h++ {
		for j, m := range ids {
			hourly = append(hourly, snap{fmt.Sprintf("h%d-%d", h, j), m, 990_000 + rng.Int64N(30_000), base.Add(time.Duration(h) * time.Hour), 2 + rng.Int64N(58)})
		}
	}
	insert(hourly)
	if _, err := pool.Exec(ctx, `UPDATE "PortfolioSize" SET "netPortfolio" = "netPortfolio" - 1234.56 WHERE "id" LIKE 's2000-%' OR "id" LIKE 's3000-%'`); err != nil {
		t.Fatal(err)
	}

	raw := rawSnaps(t, pool)
	r := postgres.NewReader(pool)

	// Windows starting at arbitrary times, for each combination of widths
	// the API uses.
	for _, widths := range [][]time.Duration{
		{arena.Bucket1h}, {arena.Bucket1h, arena.Bucket4h}, {arena.Bucket5m, arena.Bucket1d},
		{arena.Bucket5m, arena.Bucket15m, arena.Bucket1h, arena.Bucket4h, arena.Bucket1d},
	} {
		for k := 0; k < 6; k++ {
			from := base.Add(time.Duration(rng.Int64N(int64(60 * time.Hour))))
			spans, err := r.EquitySpans(ctx, ids, from, widths...)
			if err != nil {
				t.Fatal(err)
			}
			got := summarize(spans)
			want := naiveSummary(raw, from)
			if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b float64) bool { return math.Abs(a-b) < 1e-12 })); diff != "" {
				t.Fatalf("widths %v from %s (-naive +buckets):\n%s", widths, from, diff)
			}
		}
	}

	// Last snapshot per bucket, with ranges ending mid-bucket.
	for _, w := range []time.Duration{time.Minute, arena.Bucket5m, arena.Bucket15m, arena.Bucket1h, arena.Bucket4h} {
		from := base.Add(time.Duration(rng.Int64N(int64(30 * time.Hour))))
		to := from.Add(time.Duration(rng.Int64N(int64(40 * time.Hour))))
		got, err := r.LastPerBucket(ctx, ids, w, from, to)
		if err != nil {
			t.Fatal(err)
		}
		want := naiveLastPerBucket(raw, w, from, to)
		if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) }),
			cmpopts.IgnoreFields(arena.EquityPoint{}, "UpdatedAt")); diff != "" {
			t.Fatalf("width %s [%s, %s) (-naive +buckets):\n%s", w, from, to, diff)
		}
	}

	// Hourly means per variant.
	from := base.Add(7*time.Hour + 23*time.Minute)
	means, err := r.VariantHourlySums(ctx, from)
	if err != nil {
		t.Fatal(err)
	}
	variantOf := map[string]string{}
	models, err := r.Models(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range models {
		variantOf[m.ID] = string(m.Variant)
	}
	if diff := cmp.Diff(naiveHourlyMeans(raw, variantOf, from), means, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" {
		t.Fatalf("hourly means (-naive +buckets):\n%s", diff)
	}
	// A model moving to another variant moves its hours with it.
	if _, err := pool.Exec(ctx, `UPDATE "Models" SET "variant" = 'Sniper' WHERE "id" = $1`, ids[0]); err != nil {
		t.Fatal(err)
	}
	variantOf[ids[0]] = "Sniper"
	if means, err = r.VariantHourlySums(ctx, from); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(naiveHourlyMeans(raw, variantOf, from), means, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" {
		t.Fatalf("hourly means after a variant change (-naive +buckets):\n%s", diff)
	}

	// Range and latest value.
	first, last, ok, err := r.SnapshotRange(ctx, ids, from, from.Add(5*time.Hour))
	if err != nil || !ok {
		t.Fatalf("range: ok=%v err=%v", ok, err)
	}
	var wf, wl time.Time
	for _, s := range raw {
		if !s.at.Before(from) && s.at.Before(from.Add(5*time.Hour)) {
			if wf.IsZero() || s.at.Before(wf) {
				wf = s.at
			}
			if s.at.After(wl) {
				wl = s.at
			}
		}
	}
	if !first.Equal(wf) || !last.Equal(wl) {
		t.Fatalf("range %s..%s, want %s..%s", first, last, wf, wl)
	}
	latest, err := r.LatestEquity(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ids {
		var l snap
		for _, s := range raw {
			if s.model == m && (s.at.After(l.at) || s.at.Equal(l.at) && s.id > l.id) {
				l = s
			}
		}
		if latest[m] != l.cents {
			t.Fatalf("latest %s = %d, want %d", m, latest[m], l.cents)
		}
	}
}

type summary struct {
	Start, End, High, Low int64
	Drawdown              float64
}

// summarize combines spans with the rule of migration 00006.
func summarize(spans []arena.EquitySpan) map[string]summary {
	out := map[string]summary{}
	peak := map[string]int64{}
	for _, s := range spans {
		cur, seen := out[s.ModelID]
		if !seen {
			cur = summary{Start: s.First, High: s.High, Low: s.Low}
		}
		dd := s.Drawdown
		if p, ok := peak[s.ModelID]; ok && p > 0 {
			dd = max(dd, float64(p-s.Low)/float64(p))
		}
		cur.Drawdown = max(cur.Drawdown, dd)
		cur.End = s.Last
		cur.High, cur.Low = max(cur.High, s.High), min(cur.Low, s.Low)
		peak[s.ModelID] = max(peak[s.ModelID], s.High)
		out[s.ModelID] = cur
	}
	return out
}

func naiveSummary(raw []snap, from time.Time) map[string]summary {
	out := map[string]summary{}
	peak := map[string]int64{}
	for _, s := range raw {
		if s.at.Before(from) {
			continue
		}
		cur, seen := out[s.model]
		if !seen {
			cur = summary{Start: s.cents, High: s.cents, Low: s.cents}
			peak[s.model] = s.cents
		}
		peak[s.model] = max(peak[s.model], s.cents)
		if p := peak[s.model]; p > 0 {
			cur.Drawdown = max(cur.Drawdown, float64(p-s.cents)/float64(p))
		}
		cur.End = s.cents
		cur.High, cur.Low = max(cur.High, s.cents), min(cur.Low, s.cents)
		out[s.model] = cur
	}
	return out
}

func naiveLastPerBucket(raw []snap, w time.Duration, from, to time.Time) []arena.EquityPoint {
	type key struct {
		m string
		b time.Time
	}
	last := map[key]snap{}
	for _, s := range raw {
		if s.at.Before(from) || !s.at.Before(to) {
			continue
		}
		k := key{s.model, s.at.UTC().Truncate(w)} // widths divide a day, so this is epoch-aligned
		if l, ok := last[k]; !ok || s.at.After(l.at) || s.at.Equal(l.at) && s.id > l.id {
			last[k] = s
		}
	}
	var out []arena.EquityPoint
	for k, s := range last {
		out = append(out, arena.EquityPoint{ModelID: k.m, BucketStart: k.b, ID: s.id, Cents: s.cents, At: s.at})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].ModelID != out[j].ModelID {
			return out[i].ModelID < out[j].ModelID
		}
		return out[i].BucketStart.Before(out[j].BucketStart)
	})
	return out
}

func naiveHourlyMeans(raw []snap, variantOf map[string]string, from time.Time) []arena.HourlySum {
	type key struct {
		v string
		h time.Time
	}
	type acc struct{ sum, n int64 }
	hours := map[key]*acc{}
	for _, s := range raw {
		if s.at.Before(from) {
			continue
		}
		k := key{variantOf[s.model], s.at.UTC().Truncate(time.Hour)}
		if hours[k] == nil {
			hours[k] = &acc{}
		}
		hours[k].sum += s.cents * s.samples
		hours[k].n += s.samples
	}
	var out []arena.HourlySum
	for k, a := range hours {
		out = append(out, arena.HourlySum{Group: k.v, HourStart: k.h, SumCents: a.sum, Points: a.n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Group != out[j].Group {
			return out[i].Group < out[j].Group
		}
		return out[i].HourStart.Before(out[j].HourStart)
	})
	return out
}
