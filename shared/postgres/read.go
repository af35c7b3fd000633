package postgres

import (
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/autonome-go/autonome/shared/arena"
)

// Reader runs the API's read queries. Every method is one or two round
// trips with bounded results; the heavy lifting (equity buckets, hourly
// activity, trade statistics) is maintained by the triggers of migration
// 00006, so a read never scans raw history. Money comes back exact: numeric
// columns are read as text and parsed into arena.Fixed, or as whole cents
// where the column has two decimals.
type Reader struct {
	pool *pgxpool.Pool
}

// NewReader returns a Reader on pool.
func NewReader(pool *pgxpool.Pool) *Reader { return &Reader{pool: pool} }

// decimals parses numeric text into Fixed, remembering the first failure so
// a row scan can parse several columns and check once.
type decimals struct{ err error }

func (d *decimals) fixed(s string) arena.Fixed {
	if s == "" {
		return 0
	}
	f, err := arena.ParseFixed(s)
	if err != nil && d.err == nil {
		d.err = fmt.Errorf("decode numeric: %w", err)
	}
	return f
}

func (d *decimals) fixedPtr(s *string) arena.Fixed {
	if s == nil {
		return 0
	}
	return d.fixed(*s)
}

// Cents converts whole cents (a numeric(18,2) value × 100) to Fixed.
func Cents(c int64) arena.Fixed { return arena.Fixed(c * (arena.FixedScale / 100)) }
