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
	s := t.UTC().Format(isoLayout)
	if len(s) > 6 && s[len(s)-6:] == "+00:00" {
		s = s[:len(s)-6] + "Z"
	}
	return s
}

func roundTo(v float64, dp int) float64 {
	p := math.Pow(10, float64(dp))
	return math.Round(v*p) / p
}
