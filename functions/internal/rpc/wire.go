package rpc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/autonome-go/autonome/shared/views"
)

// Date is a timestamp that travels as an oRPC Date: an ISO-8601 string in
// "json" plus a meta entry of type 1, so @orpc/client rebuilds a JS Date.
// Fields the reference sends as plain ISO strings use time.Time instead.
type Date time.Time

// MarshalJSON writes the ISO string.
func (d Date) MarshalJSON() ([]byte, error) { return json.Marshal(ISO(time.Time(d))) }

// UnmarshalJSON reads an ISO string.
func (d *Date) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return err
	}
	*d = Date(t)
	return nil
}

// ISO formats t as JavaScript's toISOString does (UTC, milliseconds, Z).
func ISO(t time.Time) string { return views.ISO(t) }

// envelope is the request and response body.
type envelope struct {
	JSON json.RawMessage `json:"json"`
	Meta []any           `json:"meta"`
}

// maxBody bounds request bodies; every procedure's input is small.
const maxBody = 64 << 10

// readInput returns the "json" member of a request (nil for undefined input).
// Input comes from the body, or for GET from the "data" query parameter.
func readInput(r *http.Request) (json.RawMessage, error) {
	var raw []byte
	if r.Method == http.MethodGet {
		raw = []byte(r.URL.Query().Get("data"))
	} else {
		b, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxBody))
		if err != nil {
			return nil, envelopeError(fmt.Sprintf("the body is unreadable or larger than %d bytes", maxBody))
		}
		raw = b
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, nil
	}
	if issue := checkKeysAndText(raw); issue != nil {
		return nil, textIssue(issue)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var env envelope
	if err := dec.Decode(&env); err != nil {
		return nil, envelopeError(decodeIssue(err).Message)
	}
	if dec.More() {
		return nil, envelopeError("trailing data after the JSON object")
	}
	if msg := checkInputMeta(env.Meta); msg != "" {
		return nil, envelopeError(msg)
	}
	if bytes.Equal(bytes.TrimSpace(env.JSON), []byte("null")) {
		return nil, nil
	}
	return env.JSON, nil
}

// checkInputMeta accepts only Date entries (type 1): a client that sends
// a Date where a procedure takes an ISO string (startDate) serialises it as
// that very string plus a meta entry, so the entry can be ignored. Other
// native types have no meaning in any input.
func checkInputMeta(meta []any) string {
	for _, m := range meta {
		entry, ok := m.([]any)
		if !ok || len(entry) < 2 {
			return "meta entries are [type, ...path]"
		}
		if code, _ := entry[0].(float64); code != 1 {
			return fmt.Sprintf("input meta type %v is not supported: only Dates may be sent", entry[0])
		}
	}
	return ""
}

// textIssue places a problem found by checkKeysAndText: inside the input
// its path is relative to the input, as every input issue's is; elsewhere
// the envelope itself is malformed.
func textIssue(issue *Issue) error {
	if len(issue.Path) > 0 && issue.Path[0] == "json" {
		if len(issue.Path) > 1 || !strings.HasPrefix(issue.Message, "duplicate") {
			issue.Path = issue.Path[1:]
			return Invalid(*issue)
		}
	}
	return envelopeError(fmt.Sprintf("%s at %v", issue.Message, issue.Path))
}

// envelopeError is a BAD_REQUEST for a body that is not {"json", "meta"}.
func envelopeError(problem string) error {
	msg := `malformed request envelope: expected {"json": …, "meta": […]}: ` + problem
	return &Error{Code: "BAD_REQUEST", Status: http.StatusBadRequest, Message: msg,
		Data: map[string]any{"issues": []Issue{{Path: []any{}, Message: msg}}}}
}

// decodeInput strictly decodes raw into v: unknown fields and wrong types
// are BAD_REQUEST with the offending path in the issues.
func decodeInput(raw json.RawMessage, v any) error {
	if raw == nil {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return Invalid(decodeIssue(err))
	}
	if dec.More() {
		return Invalid(Issue{Path: []any{}, Message: "trailing data after the input"})
	}
	return nil
}

// decodeIssue turns a decoding error into an issue with a path.
func decodeIssue(err error) Issue {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		path := []any{}
		if te.Field != "" {
			for _, p := range strings.Split(te.Field, ".") {
				path = append(path, p)
			}
		}
		return Issue{Path: path, Message: fmt.Sprintf("expected %s, received %s", jsTypeName(te.Type), te.Value)}
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name = strings.Trim(name, `"`)
		return Issue{Path: []any{name}, Message: fmt.Sprintf("unrecognized key %q", name)}
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return Issue{Path: []any{}, Message: fmt.Sprintf("malformed JSON at byte %d", se.Offset)}
	}
	var fe *fieldError
	if errors.As(err, &fe) {
		return Issue{Path: []any{fe.field}, Message: fe.msg}
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return Issue{Path: []any{}, Message: "the JSON ends unexpectedly"}
	}
	return Issue{Path: []any{}, Message: "invalid input: " + jsonProblem(err)}
}

// fieldError is returned by input types' UnmarshalJSON to name the field.
type fieldError struct{ field, msg string }

func (e *fieldError) Error() string { return e.field + ": " + e.msg }

// jsonProblem describes a decoding error without echoing internals.
func jsonProblem(err error) string {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te):
		if te.Field != "" {
			return fmt.Sprintf("field %q must be %s, not %s", te.Field, jsTypeName(te.Type), te.Value)
		}
		return fmt.Sprintf("expected %s, not %s", jsTypeName(te.Type), te.Value)
	case errors.As(err, &se):
		return fmt.Sprintf("syntax error at byte %d", se.Offset)
	}
	return err.Error()
}

func jsTypeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "a boolean"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return t.String()
}

// metaFor lists the paths of every Date inside v, in the flat form
// [1, "key", 0, "field"] that @orpc/client 1.x expects.
func metaFor(v any) []any {
	meta := []any{}
	walkDates(reflect.ValueOf(v), nil, &meta)
	return meta
}

var dateType = reflect.TypeOf(Date{})

// dateTypes memoises whether a type can contain a Date, so that large
// outputs without any (equity history) are not walked value by value.
var dateTypes sync.Map // reflect.Type -> bool

func mayHoldDate(t reflect.Type) bool {
	if v, ok := dateTypes.Load(t); ok {
		return v.(bool)
	}
	dateTypes.Store(t, false) // breaks cycles of recursive types
	found := scanType(t, map[reflect.Type]bool{})
	dateTypes.Store(t, found)
	return found
}

func scanType(t reflect.Type, seen map[reflect.Type]bool) bool {
	if t == dateType {
		return true
	}
	if seen[t] {
		return false
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array:
		return scanType(t.Elem(), seen)
	case reflect.Map:
		return scanType(t.Elem(), seen)
	case reflect.Interface:
		return true // unknown until run time
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			if t.Field(i).IsExported() && scanType(t.Field(i).Type, seen) {
				return true
			}
		}
	}
	return false
}

func walkDates(v reflect.Value, path []any, meta *[]any) {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	}
	if v.Type() == dateType {
		entry := append([]any{1}, path...)
		*meta = append(*meta, entry)
		return
	}
	if !mayHoldDate(v.Type()) {
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, omitempty, omitzero := jsonName(f)
			if name == "-" {
				continue
			}
			fv := v.Field(i)
			if omitzero && fv.IsZero() || omitempty && isEmpty(fv) {
				continue
			}
			if f.Anonymous && name == f.Name && f.Type.Kind() == reflect.Struct {
				walkDates(fv, path, meta)
				continue
			}
			walkDates(fv, appendPath(path, name), meta)
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			walkDates(v.Index(i), appendPath(path, i), meta)
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			walkDates(iter.Value(), appendPath(path, fmt.Sprint(iter.Key().Interface())), meta)
		}
	}
}

func appendPath(path []any, k any) []any {
	out := make([]any, len(path), len(path)+1)
	copy(out, path)
	return append(out, k)
}

func jsonName(f reflect.StructField) (name string, omitempty, omitzero bool) {
	tag := f.Tag.Get("json")
	if tag == "" {
		return f.Name, false, false
	}
	name, opts, _ := cutComma(tag)
	if name == "" {
		name = f.Name
	}
	return name, containsOpt(opts, "omitempty"), containsOpt(opts, "omitzero")
}

// isEmpty is encoding/json's notion of an empty value for omitempty.
func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

func cutComma(s string) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == ',' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

func containsOpt(opts, want string) bool {
	for opts != "" {
		var o string
		o, opts, _ = cutComma(opts)
		if o == want {
			return true
		}
	}
	return false
}

// writeJSON writes a success or error envelope.
// jsonAppender is implemented by outputs too large for reflection-based
// encoding to be cheap (equity history); the bytes must be exactly what
// json.Marshal would produce.
type jsonAppender interface {
	AppendJSON(b []byte) []byte
}

func writeJSON(w http.ResponseWriter, status int, body any, meta []any) {
	var b []byte
	var err error
	if a, ok := body.(jsonAppender); ok {
		b = a.AppendJSON(make([]byte, 0, 64<<10))
	} else {
		b, err = json.Marshal(body)
	}
	if err != nil {
		status = http.StatusInternalServerError
		b, _ = json.Marshal(wireError{Code: "INTERNAL_SERVER_ERROR", Status: status, Message: "internal error"})
		meta = []any{}
	}
	m, _ := json.Marshal(meta)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)+len(m)+17))
	w.WriteHeader(status)
	_, _ = w.Write([]byte(`{"json":`))
	_, _ = w.Write(b)
	_, _ = w.Write([]byte(`,"meta":`))
	_, _ = w.Write(m)
	_, _ = w.Write([]byte(`}`))
}
