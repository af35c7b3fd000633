package lighter

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

// decimal is an exact price or size on the wire: a JSON string or number
// with at most arena.FixedDecimals significant fractional digits. It decodes
// without allocating, which matters on the order-book hot path.
type decimal arena.Fixed

// UnmarshalJSON implements json.Unmarshaler; null and "" decode as zero.
func (d *decimal) UnmarshalJSON(b []byte) error {
	if len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' {
		b = b[1 : len(b)-1]
	}
	if len(b) == 0 || string(b) == "null" {
		*d = 0
		return nil
	}
	f, err := arena.ParseFixedBytes(b)
	if err != nil {
		return err
	}
	*d = decimal(f)
	return nil
}

// number is a statistic on the wire (volumes, changes, rates): a JSON number
// or a numeric string; null and "" decode as zero.
type number float64

// UnmarshalJSON implements json.Unmarshaler.
func (n *number) UnmarshalJSON(b []byte) error {
	if len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' {
		b = b[1 : len(b)-1]
	}
	if len(b) == 0 || string(b) == "null" {
		*n = 0
		return nil
	}
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return fmt.Errorf("parse number %q", b)
	}
	*n = number(v)
	return nil
}

// fixed rounds a statistic to Fixed's precision; out-of-range values give 0.
func (n number) fixed() arena.Fixed {
	f, err := arena.FixedFromFloat(math.Round(float64(n)*arena.FixedScale) / arena.FixedScale)
	if err != nil {
		return 0
	}
	return f
}

// epoch converts a Lighter timestamp to a time, guessing its unit from its
// magnitude: the API mixes seconds (fundings, some trade examples),
// milliseconds (messages, candles, trades) and microseconds (transaction
// times). Zero or negative gives the zero time.
func epoch(v int64) time.Time {
	switch {
	case v <= 0:
		return time.Time{}
	case v < 1e11:
		return time.Unix(v, 0).UTC()
	case v < 1e14:
		return time.UnixMilli(v).UTC()
	case v < 1e17:
		return time.UnixMicro(v).UTC()
	}
	return time.Unix(0, v).UTC()
}
