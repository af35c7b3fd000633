package arena

import (
	"database/sql/driver"
	"fmt"
	"math"
)

// Scan implements database/sql.Scanner, so a Fixed reads a NUMERIC column
// directly and exactly: drivers hand NUMERIC over as its decimal text (pgx
// converts its binary form to text first), which ParseFixed reads without
// rounding. A value with more than FixedDecimals non-zero fractional
// digits, NaN, an infinity or a value out of range is an error, never a
// rounded number. A whole-number column (int64) reads as that many units.
//
// NULL is an error too, as it is for int64: scan a nullable column into a
// *Fixed (left nil on NULL) or coalesce it in SQL where NULL means zero.
func (f *Fixed) Scan(src any) error {
	var (
		g   Fixed
		err error
	)
	switch v := src.(type) {
	case string:
		g, err = ParseFixed(v)
	case []byte:
		g, err = ParseFixedBytes(v)
	case int64:
		if v > math.MaxInt64/FixedScale || v < math.MinInt64/FixedScale {
			err = fmt.Errorf("scan %d into arena.Fixed: %w", v, ErrOverflow)
		}
		g = Fixed(v * FixedScale)
	case nil:
		err = fmt.Errorf("scan NULL into arena.Fixed (scan into *arena.Fixed or coalesce)")
	default:
		err = fmt.Errorf("scan %T into arena.Fixed: unsupported type", src)
	}
	if err != nil {
		return err
	}
	*f = g
	return nil
}

// Value implements database/sql/driver.Valuer: the exact decimal text,
// which PostgreSQL reads into NUMERIC without rounding. (Without it a
// driver would see the underlying int64 count of 1e-8 units.)
func (f Fixed) Value() (driver.Value, error) { return f.String(), nil }
