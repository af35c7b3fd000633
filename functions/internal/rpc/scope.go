package rpc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/autonome-go/autonome/shared/arena"
)

// scope is the set of accounts a request covers. A variant's competition
// is its own accounts plus the built-in baselines, which are yardsticks in
// every competition (marked kind "baseline").
type scope struct {
	models []arena.Model
	byID   map[string]*arena.Model
	ids    []string
}

// scope loads the accounts of variant ("" or "all": every account).
func (a *api) scope(ctx context.Context, variant string) (scope, error) {
	all, err := a.DB.Models(ctx)
	if err != nil {
		return scope{}, dbErr(err, "the accounts")
	}
	s := scope{byID: make(map[string]*arena.Model, len(all))}
	for _, m := range all {
		if variant != "" && variant != arena.VariantAll && string(m.Variant) != variant && m.Kind != arena.KindBaseline {
			continue
		}
		s.models = append(s.models, m)
	}
	s.ids = make([]string, len(s.models))
	for i := range s.models {
		s.ids[i] = s.models[i].ID
		s.byID[s.models[i].ID] = &s.models[i]
	}
	return s, nil
}

// model returns the model of id; the zero Model when it is not in scope.
func (s *scope) model(id string) arena.Model {
	if m, ok := s.byID[id]; ok {
		return *m
	}
	return arena.Model{ID: id}
}

// dbErr answers a failed read with a client-safe message by the code the
// Store gave it: unavailable (the database is down, starting, refusing
// connections or out of resources), a timeout, or internal (the database
// refused our SQL: a bug). A failure without a code means no connection
// (or, when a context ended, a timeout); another code (not found, invalid)
// is the answer as it is. The cause is logged by the router, never sent.
func dbErr(err error, what string) error {
	code := arena.CodeUnavailable
	var coded *arena.Error
	switch {
	case errors.As(err, &coded):
		code = coded.Code
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		code = arena.CodeTimeout
	}
	switch code {
	case arena.CodeUnavailable:
		return arena.WrapError(code, err, "the database is unavailable")
	case arena.CodeTimeout:
		return arena.WrapError(code, err, "reading %s took too long", what)
	case arena.CodeInternal:
		return arena.WrapError(code, err, "reading %s failed", what)
	}
	return err
}

// checkVariant validates a variant filter: a variant id, or "all" when
// allowed. The empty string means no filter.
func checkVariant(v string, allowAll bool) *Issue {
	if v == "" || (allowAll && v == arena.VariantAll) {
		return nil
	}
	if _, err := arena.ParseVariant(v); err == nil {
		return nil
	}
	names := make([]string, 0, 8)
	if allowAll {
		names = append(names, arena.VariantAll)
	}
	for _, vi := range arena.Variants() {
		names = append(names, string(vi.ID))
	}
	return &Issue{Path: []any{"variant"}, Message: fmt.Sprintf("invalid enum value %q: expected one of %s", v, strings.Join(names, ", "))}
}

// checkInt validates an optional integer bound.
func checkInt(field string, v *int, lo, hi int) *Issue {
	if v != nil && (*v < lo || *v > hi) {
		return &Issue{Path: []any{field}, Message: fmt.Sprintf("must be an integer between %d and %d", lo, hi)}
	}
	return nil
}

// checkEnum validates an optional enum field.
func checkEnum(field, v string, values ...string) *Issue {
	if v == "" {
		return nil
	}
	for _, x := range values {
		if v == x {
			return nil
		}
	}
	return &Issue{Path: []any{field}, Message: fmt.Sprintf("invalid enum value %q: expected one of %s", v, strings.Join(values, ", "))}
}

// issues collects non-nil issues into a BAD_REQUEST, or nil.
func issues(list ...*Issue) error {
	var out []Issue
	for _, i := range list {
		if i != nil {
			out = append(out, *i)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return Invalid(out...)
}

// decimalInput is a JSON number read exactly into Fixed.
type decimalInput struct {
	set   bool
	value arena.Fixed
	bad   string
}

// UnmarshalJSON accepts a JSON number only; its decimal text is parsed
// exactly (no detour through float64 unless it has an exponent).
func (d *decimalInput) UnmarshalJSON(b []byte) error {
	var n json.Number
	if len(b) == 0 || b[0] == '"' || json.Unmarshal(b, &n) != nil {
		d.set, d.bad = true, "expected number, received "+jsonKind(b)
		return nil
	}
	d.set = true
	if strings.ContainsAny(string(n), "eE") {
		v, err := n.Float64()
		if err == nil {
			d.value, err = arena.FixedFromFloat(v)
		}
		if err != nil {
			d.bad = "number out of range"
		}
		return nil
	}
	v, err := arena.ParseFixed(string(n))
	if err != nil {
		d.bad = fmt.Sprintf("must have at most %d decimal places and fit the ledger's range", arena.FixedDecimals)
	}
	d.value = v
	return nil
}

func jsonKind(b []byte) string {
	switch {
	case len(b) == 0:
		return "nothing"
	case b[0] == '"':
		return "string"
	case b[0] == 't' || b[0] == 'f':
		return "boolean"
	case b[0] == 'n':
		return "null"
	case b[0] == '[':
		return "array"
	case b[0] == '{':
		return "object"
	}
	return "number"
}

// roundTo rounds a statistic to dp decimals for display; NaN and ±Inf
// (which JSON cannot carry) become 0.
func roundTo(v float64, dp int) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	p := math.Pow10(dp)
	return math.Round(v*p) / p
}
