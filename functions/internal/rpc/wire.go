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
	"time"
)

// Date is a timestamp that travels as an oRPC Date: an ISO-8601 string in
// "json" plus a meta entry of type 1, so @orpc/client rebuilds a JS Date.
// Fields the reference sends as plain ISO strings use time.Time instead.
type Date time.Time

// isoLayout is JavaScript's Date.prototype.toISOString format.
const isoLayout = "2006-01-02T15:04:05.000Z07:00"

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
func ISO(t time.Time) string {
	s := t.UTC().Format(isoLayout)
	if len(s) > 6 && s[len(s)-6:] == "+00:00" {
		s = s[:len(s)-6] + "Z"
	}
	return s
}

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
			return nil, badRequest("request body is unreadable or larger than %d bytes", maxBody)
		}
		raw = b
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var env envelope
	if err := dec.Decode(&env); err != nil {
		return nil, badRequest("malformed request envelope: expected {\"json\": …, \"meta\": […]}: %s", jsonProblem(err))
	}
	if dec.More() {
		return nil, badRequest("malformed request envelope: trailing data after the JSON object")
	}
	if len(env.Meta) > 0 {
		return nil, badRequest("input meta is not supported: no procedure takes Dates, BigInts, Sets or Maps")
	}
	if bytes.Equal(bytes.TrimSpace(env.JSON), []byte("null")) {
		return nil, nil
	}
	return env.JSON, nil
}

// decodeInput strictly decodes raw into v: unknown fields and wrong types are errors.
func decodeInput(raw json.RawMessage, v any) error {
	if raw == nil {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badRequest("invalid input: %s", jsonProblem(err))
	}
	return nil
}

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
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
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
	switch v.Kind() {
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, omitempty := jsonName(f)
			if name == "-" {
				continue
			}
			fv := v.Field(i)
			if omitempty && fv.IsZero() {
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

func jsonName(f reflect.StructField) (string, bool) {
	tag := f.Tag.Get("json")
	if tag == "" {
		return f.Name, false
	}
	name, opts, _ := cutComma(tag)
	if name == "" {
		name = f.Name
	}
	return name, opts == "omitempty" || (len(opts) > 9 && containsOpt(opts, "omitempty"))
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
func writeJSON(w http.ResponseWriter, status int, body any, meta []any) {
	b, err := json.Marshal(body)
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
