// Package views shapes the arena's data the way its readers expect it: the
// reference's getPositions and getTrades items, field for field. The API
// answers with them and the worker publishes the same shapes on the SSE
// channels, so a browser sees one shape whichever way the data arrived.
package views

import (
	"math"
	"time"
)

// isoLayout is JavaScript's Date.prototype.toISOString format.
const isoLayout = "2006-01-02T15:04:05.000Z07:00"

// ISO formats t as JavaScript's toISOString does (UTC, milliseconds, Z).
func ISO(t time.Time) string {
	var buf [24]byte
	return string(AppendISO(buf[:0], t))
}

// AppendISO appends t as toISOString does, without time.Format's
// generality for the common four-digit years.
func AppendISO(b []byte, t time.Time) []byte {
	t = t.UTC()
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		s := t.Format(isoLayout)
		if len(s) > 6 && s[len(s)-6:] == "+00:00" {
			s = s[:len(s)-6] + "Z"
		}
		return append(b, s...)
	}
	hour, minute, sec := t.Clock()
	ms := t.Nanosecond() / int(time.Millisecond)
	d2 := func(b []byte, v int) []byte { return append(b, byte('0'+v/10), byte('0'+v%10)) }
	b = append(b, byte('0'+year/1000), byte('0'+year/100%10), byte('0'+year/10%10), byte('0'+year%10), '-')
	b = append(d2(b, int(month)), '-')
	b = append(d2(b, day), 'T')
	b = append(d2(b, hour), ':')
	b = append(d2(b, minute), ':')
	b = append(d2(b, sec), '.', byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10), 'Z')
	return b
}

func roundTo(v float64, dp int) float64 {
	p := math.Pow(10, float64(dp))
	return math.Round(v*p) / p
}
