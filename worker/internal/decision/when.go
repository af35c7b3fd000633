package decision

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Optional descriptive times (time_exit, cooldown_until) are read leniently:
// models phrase them freely ("Close if held > 24h", "in 2 days", "PT36H",
// "2025-11-21 18:00 UTC"), and the reference's own prompts ask for such
// phrasing. What cannot be read is left out, the trade goes ahead, and the
// tool result says what was ignored. Required fields stay strict.

// absoluteLayouts are the time layouts accepted besides RFC 3339; times
// without a zone are UTC.
var absoluteLayouts = []string{
	time.RFC3339, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02 15:04",
	"2006-01-02T15:04:05Z0700", "2006-01-02 15:04:05Z07:00", "2006-01-02",
}

var (
	isoDuration = regexp.MustCompile(`(?i)^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$`)
	// spanWord finds "24h", "24 hours", "2 days", "90 min" inside prose.
	spanWord = regexp.MustCompile(`(?i)(\d+(?:\.\d+)?)\s*(weeks?|wks?|w|days?|d|hours?|hrs?|h|minutes?|mins?|m)\b`)
)

var spanUnits = map[byte]time.Duration{'w': 7 * 24 * time.Hour, 'd': 24 * time.Hour, 'h': time.Hour, 'm': time.Minute}

// parseWhen reads s as a time: absolute (RFC 3339 and common ISO 8601
// forms, UTC unless a zone is given) or a span from now (a Go duration, an
// ISO 8601 duration, or a number with a unit inside prose, where adjacent
// spans add up: "1 day 6 hours").
func parseWhen(s string, now time.Time) (time.Time, bool) {
	s = strings.TrimSpace(s)
	abs := strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(s, " UTC"), " utc"))
	for _, layout := range absoluteLayouts {
		if t, err := time.Parse(layout, abs); err == nil {
			return t.UTC(), true
		}
	}
	if d, err := time.ParseDuration(s); err == nil {
		return now.Add(d), true
	}
	if d, ok := parseISODuration(s); ok {
		return now.Add(d), true
	}
	if d, ok := spanInProse(s); ok {
		return now.Add(d), true
	}
	return time.Time{}, false
}

func parseISODuration(s string) (time.Duration, bool) {
	m := isoDuration.FindStringSubmatch(s)
	if m == nil || len(s) < 3 {
		return 0, false
	}
	var d time.Duration
	for i, unit := range []time.Duration{7 * 24 * time.Hour, 24 * time.Hour, time.Hour, time.Minute, time.Second} {
		if m[i+1] != "" {
			n, _ := strconv.Atoi(m[i+1])
			d += time.Duration(n) * unit
		}
	}
	return d, d > 0
}

// spanInProse reads the first span in s and those that follow it directly.
func spanInProse(s string) (time.Duration, bool) {
	var d time.Duration
	end := -1
	for _, loc := range spanWord.FindAllStringSubmatchIndex(s, -1) {
		if end >= 0 && strings.Trim(s[end:loc[0]], " ,and") != "" {
			break
		}
		n, err := strconv.ParseFloat(s[loc[2]:loc[3]], 64)
		if err != nil {
			return 0, false
		}
		d += time.Duration(n * float64(spanUnits[strings.ToLower(s[loc[4]:loc[5]])[0]]))
		end = loc[1]
	}
	return d, d > 0
}

// optionalTime reads an optional descriptive time. A value that cannot be
// read yields a note for the model instead of a rejection.
func (o object) optionalTime(key string, now time.Time) (t time.Time, note string) {
	raw, ok, _ := o.get(key, false)
	if !ok {
		return time.Time{}, ""
	}
	var s string
	if jsonKind(raw) != "string" || json.Unmarshal(raw, &s) != nil {
		return time.Time{}, fmt.Sprintf("%s (a %s) was ignored: give a duration such as \"24h\" or a UTC time such as 2025-11-21T18:00:00Z", join(o.path, key), jsonKind(raw))
	}
	if s = strings.TrimSpace(s); s == "" {
		return time.Time{}, ""
	}
	if t, ok := parseWhen(s, now); ok && len(s) <= MaxTextLen {
		return t, ""
	}
	return time.Time{}, fmt.Sprintf("%s %s was not understood and was ignored: give a duration such as \"24h\" or a UTC time such as 2025-11-21T18:00:00Z", join(o.path, key), quoteTrunc(s))
}
