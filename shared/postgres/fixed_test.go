package postgres_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/testenv"
)

// fixedExtremes are the values a NUMERIC round trip must keep bit for bit.
func fixedExtremes() []arena.Fixed {
	out := []arena.Fixed{0, 1, -1, arena.One, -arena.One, arena.MaxFixed, arena.MaxFixed - 1, math.MinInt64, math.MinInt64 + 1,
		arena.MustFixed("0.00000001"), arena.MustFixed("-0.00000001"), arena.MustFixed("12345.67890123"),
		arena.MustFixed("-98765432.10987654"), arena.MustFixed("0.1"), arena.MustFixed("-0.5"), arena.MustFixed("10000"),
		arena.MustFixed("92233720368.54775807"), arena.MustFixed("-92233720368.54775808")}
	rng := rand.New(rand.NewPCG(16, 1))
	for range 300 {
		v := arena.Fixed(rng.Int64())
		if rng.IntN(2) == 0 {
			v = -v
		}
		out = append(out, v, v/arena.Fixed(1+rng.Int64N(1e12)))
	}
	return out
}

// A Fixed written as a parameter and read back from NUMERIC is the same
// integer, through the extended protocol (binary numeric, or text as the
// Reader asks for it) and the simple protocol, into an unconstrained column and the ledger's
// numeric(24, 8), and PostgreSQL holds exactly the decimal Fixed denotes.
func TestFixedNumericRoundTrip(t *testing.T) {
	pool, _ := testenv.Postgres(t)
	ctx := testenv.Context(t, 60*time.Second)
	textResults := pgx.QueryResultFormatsByOID{pgtype.NumericOID: pgx.TextFormatCode} // as the Reader asks
	for mode, opt := range map[string]any{"binary": pgx.QueryExecModeCacheStatement, "simple protocol": pgx.QueryExecModeSimpleProtocol,
		"text results": textResults} {
		for _, f := range fixedExtremes() {
			var any, ledger arena.Fixed
			var equal bool
			err := pool.QueryRow(ctx, `SELECT $1::numeric, $1::numeric(24, 8), $1::numeric = $2::numeric`, opt, f, f.String()).
				Scan(&any, &ledger, &equal)
			if err != nil {
				t.Fatalf("%s: %s (%d): %v", mode, f, int64(f), err)
			}
			if any != f || ledger != f || !equal {
				t.Fatalf("%s: %d went in, %d and %d came out (equal as text %v)", mode, int64(f), int64(any), int64(ledger), equal)
			}
		}
	}
}

// What NUMERIC holds that Fixed cannot is an error, never a rounded or
// zero value; a nullable column reads into *Fixed.
func TestFixedScanRejectsInexactValues(t *testing.T) {
	pool, _ := testenv.Postgres(t)
	ctx := testenv.Context(t, 60*time.Second)
	for _, lit := range []string{"1.123456789", "-0.000000001", "92233720368.54775808", "-92233720368.54775809", "1e30", "'NaN'", "'Infinity'", "NULL"} {
		var f arena.Fixed = 7
		err := pool.QueryRow(ctx, `SELECT (`+lit+`)::numeric`).Scan(&f)
		if err == nil || f != 7 {
			t.Errorf("%s scanned as %s, %v; want an error and the target untouched", lit, f, err)
		}
	}
	var f arena.Fixed
	if err := pool.QueryRow(ctx, `SELECT 1.123456780::numeric`).Scan(&f); err != nil || f != arena.MustFixed("1.12345678") {
		t.Errorf("trailing zero beyond 8 decimals: %s, %v", f, err)
	}
	var p *arena.Fixed
	if err := pool.QueryRow(ctx, `SELECT NULL::numeric`).Scan(&p); err != nil || p != nil {
		t.Errorf("NULL into *Fixed: %v, %v", p, err)
	}
	if err := pool.QueryRow(ctx, `SELECT -2.5::numeric`).Scan(&p); err != nil || p == nil || *p != arena.MustFixed("-2.5") {
		t.Errorf("-2.5 into *Fixed: %v, %v", p, err)
	}
	var whole arena.Fixed
	if err := pool.QueryRow(ctx, `SELECT 42::int8`).Scan(&whole); err != nil || whole != arena.FixedInt(42) {
		t.Errorf("int8 42 into Fixed: %s, %v", whole, err)
	}
	if err := pool.QueryRow(ctx, `SELECT 9223372036854775807::int8`).Scan(&whole); !errors.Is(err, arena.ErrOverflow) {
		t.Errorf("huge int8 into Fixed: %v; want overflow", err)
	}
	var arr []arena.Fixed
	if err := pool.QueryRow(ctx, `SELECT $1::numeric[]`, []arena.Fixed{arena.MaxFixed, -1, 0}).Scan(&arr); err != nil ||
		len(arr) != 3 || arr[0] != arena.MaxFixed || arr[1] != -1 || arr[2] != 0 {
		t.Errorf("numeric[] round trip: %v, %v", arr, err)
	}
}

// BenchmarkScanNumeric compares reading 1000 rows × 6 NUMERIC columns
// straight into arena.Fixed (binary numeric through Fixed's sql.Scanner)
// with the former way: a ::text cast per column and ParseFixed.
func BenchmarkScanNumeric(b *testing.B) {
	pool, _ := testenv.Postgres(b)
	ctx := testenv.Context(b, 10*time.Minute)
	const cols = `v, -v, round(v / 3, 8), v * 1000, v + 0.00000001, 0::numeric`
	const rows = `SELECT round((random() * 100000)::numeric, 8)::numeric(24, 8) AS v FROM generate_series(1, 1000)`
	var vals [6]arena.Fixed
	b.Run("Fixed", func(b *testing.B) {
		for b.Loop() {
			r, err := pool.Query(ctx, `SELECT `+cols+` FROM (`+rows+`) s`)
			if err != nil {
				b.Fatal(err)
			}
			_, err = pgx.ForEachRow(r, []any{&vals[0], &vals[1], &vals[2], &vals[3], &vals[4], &vals[5]}, func() error { return nil })
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Fixed/text-format", func(b *testing.B) {
		for b.Loop() {
			r, err := pool.Query(ctx, `SELECT `+cols+` FROM (`+rows+`) s`, pgx.QueryResultFormatsByOID{pgtype.NumericOID: pgx.TextFormatCode})
			if err != nil {
				b.Fatal(err)
			}
			_, err = pgx.ForEachRow(r, []any{&vals[0], &vals[1], &vals[2], &vals[3], &vals[4], &vals[5]}, func() error { return nil })
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("text+ParseFixed", func(b *testing.B) {
		var text [6]string
		for b.Loop() {
			r, err := pool.Query(ctx, `SELECT v::text, (-v)::text, round(v / 3, 8)::text, (v * 1000)::text, (v + 0.00000001)::text, 0::text FROM (`+rows+`) s`)
			if err != nil {
				b.Fatal(err)
			}
			_, err = pgx.ForEachRow(r, []any{&text[0], &text[1], &text[2], &text[3], &text[4], &text[5]}, func() error {
				var err error
				for i, s := range text {
					if vals[i], err = arena.ParseFixed(s); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}
