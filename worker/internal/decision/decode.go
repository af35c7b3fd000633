package decision

import (
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

// object is a JSON object whose keys have been checked against an allow-list.
type object struct {
	path   string
	fields map[string]json.RawMessage
}

func jsonKind(raw json.RawMessage) string {
	s := strings.TrimSpace(string(raw))
	if s == "" {
		return "nothing"
	}
	switch s[0] {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// parseObject reads raw as an object with only the allowed keys.
func parseObject(raw json.RawMessage, path string, allowed ...string) (object, *Rejection) {
	if k := jsonKind(raw); k != "object" {
		return object{}, invalid(CodeNotObject, path, "must be a JSON object, got %s", k)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return object{}, invalid(CodeNotObject, path, "must be a JSON object: %v", err)
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !slices.Contains(allowed, k) {
			return object{}, invalid(CodeUnknownField, join(path, k), "unknown field; allowed fields are %s", strings.Join(allowed, ", "))
		}
	}
	return object{path: path, fields: fields}, nil
}

// get returns the raw value of key; null counts as absent.
func (o object) get(key string, required bool) (json.RawMessage, bool, *Rejection) {
	raw, ok := o.fields[key]
	if ok && jsonKind(raw) == "null" {
		ok = false
	}
	if !ok && required {
		return nil, false, invalid(CodeMissingField, join(o.path, key), "is required")
	}
	return raw, ok, nil
}

func (o object) wrongType(key, want string, raw json.RawMessage) *Rejection {
	return invalid(CodeWrongType, join(o.path, key), "must be a %s, got %s", want, jsonKind(raw))
}

// number reads a JSON number as a float64 (for statistics such as confidence).
func (o object) number(key string, required bool) (float64, bool, *Rejection) {
	raw, ok, rej := o.get(key, required)
	if !ok || rej != nil {
		return 0, false, rej
	}
	if jsonKind(raw) != "number" {
		return 0, false, o.wrongType(key, "number", raw)
	}
	v, err := strconv.ParseFloat(string(raw), 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, false, invalid(CodeNotFinite, join(o.path, key), "must be a finite number, got %s", raw)
	}
	return v, true, nil
}

// fixed reads a JSON number exactly into a Fixed: plain decimals are parsed
// digit by digit; exponents or more than 8 decimals go through the nearest
// float64 and FixedFromFloat, the one door from float64 into ledger values.
func (o object) fixed(key string, required bool) (arena.Fixed, bool, *Rejection) {
	raw, ok, rej := o.get(key, required)
	if !ok || rej != nil {
		return 0, false, rej
	}
	if jsonKind(raw) != "number" {
		return 0, false, o.wrongType(key, "number", raw)
	}
	text := string(raw)
	if f, err := arena.ParseFixed(text); err == nil {
		return f, true, nil
	} else if errors.Is(err, arena.ErrOverflow) {
		return 0, false, invalid(CodeOutOfRange, join(o.path, key), "%s is out of range", text)
	}
	v, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, false, invalid(CodeNotFinite, join(o.path, key), "must be a finite number, got %s", text)
	}
	f, err := arena.FixedFromFloat(v)
	if err != nil {
		return 0, false, invalid(CodeOutOfRange, join(o.path, key), "%s is out of range", text)
	}
	return f, true, nil
}

// positive reads a Fixed that must be > 0.
func (o object) positive(key string, required bool) (arena.Fixed, bool, *Rejection) {
	f, ok, rej := o.fixed(key, required)
	if ok && f <= 0 {
		return 0, false, invalid(CodeOutOfRange, join(o.path, key), "must be greater than 0, got %s", f)
	}
	return f, ok, rej
}

func (o object) str(key string, required bool, minLen, maxLen int) (string, bool, *Rejection) {
	raw, ok, rej := o.get(key, required)
	if !ok || rej != nil {
		return "", false, rej
	}
	var s string
	if jsonKind(raw) != "string" || json.Unmarshal(raw, &s) != nil {
		return "", false, o.wrongType(key, "string", raw)
	}
	s = strings.TrimSpace(s)
	if n := len([]rune(s)); n < minLen || n > maxLen {
		return "", false, invalid(CodeOutOfRange, join(o.path, key), "must be %d to %d characters, got %d", minLen, maxLen, n)
	}
	return s, true, nil
}

func (o object) array(key string, minLen, maxLen int) ([]json.RawMessage, *Rejection) {
	raw, _, rej := o.get(key, true)
	if rej != nil {
		return nil, rej
	}
	var items []json.RawMessage
	if jsonKind(raw) != "array" || json.Unmarshal(raw, &items) != nil {
		return nil, o.wrongType(key, "array", raw)
	}
	if len(items) < minLen || len(items) > maxLen {
		return nil, invalid(CodeOutOfRange, join(o.path, key), "must have %d to %d items, got %d", minLen, maxLen, len(items))
	}
	return items, nil
}

// MaxHold bounds a time_exit deadline.
const MaxHold = 30 * 24 * time.Hour

// deadline reads time_exit: a future time within MaxHold, read leniently
// (see parseWhen). An unreadable value is ignored with a note; a readable
// one out of range is refused.
func (o object) deadline(key string, now time.Time) (time.Time, string, *Rejection) {
	t, note := o.optionalTime(key, now)
	if t.IsZero() {
		return t, note, nil
	}
	if !t.After(now) || t.Sub(now) > MaxHold {
		return time.Time{}, "", invalid(CodeInvalidTime, join(o.path, key), "must be in the future and within %v", MaxHold)
	}
	return t.UTC(), "", nil
}

func symbolFrom(raw json.RawMessage, path string, known map[arena.Symbol]arena.Market) (arena.Symbol, *Rejection) {
	var s string
	if jsonKind(raw) != "string" || json.Unmarshal(raw, &s) != nil {
		return "", invalid(CodeWrongType, path, "must be a string, got %s", jsonKind(raw))
	}
	sym := arena.NormalizeSymbol(s)
	if _, ok := known[sym]; !ok {
		return "", invalid(CodeUnknownSymbol, path, "%q is not a traded market; use one of %s", s, symbolList(known))
	}
	return sym, nil
}

func (o object) symbol(key string, known map[arena.Symbol]arena.Market) (arena.Symbol, *Rejection) {
	raw, _, rej := o.get(key, true)
	if rej != nil {
		return "", rej
	}
	return symbolFrom(raw, join(o.path, key), known)
}

func symbolList(known map[arena.Symbol]arena.Market) string {
	syms := make([]string, 0, len(known))
	for s := range known {
		syms = append(syms, string(s))
	}
	slices.Sort(syms)
	return strings.Join(syms, ", ")
}
