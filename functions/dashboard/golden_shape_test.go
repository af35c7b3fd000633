package dashboard

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
)

// goldenDir holds the real API's answers, one file per procedure and case
// ("<router>.<procedure>[.<case>].json", an object whose json member is the
// answer), written by functions/internal/rpc's golden tests.
const goldenDir = "../internal/rpc/testdata/golden"

// goldens maps a golden file's name without ".json" to the shape of its
// answer.
type goldens map[string]*shape

// loadGoldens reads every answer in dir (error cases left out).
func loadGoldens(dir string) (goldens, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, fmt.Errorf("list golden files: %w", err)
	}
	g := goldens{}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".json")
		if strings.HasPrefix(name, "error.") || strings.Count(name, ".") < 1 {
			continue
		}
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("read golden file: %w", err)
		}
		var doc struct{ JSON any }
		if err := json.Unmarshal(b, &doc); err != nil {
			return nil, fmt.Errorf("decode golden file %s: %w", name, err)
		}
		g[name] = shapeOf(procOf(name), doc.JSON)
	}
	if len(g) == 0 {
		return nil, fmt.Errorf("no golden files in %s", dir)
	}
	return g, nil
}

// has reports whether some golden file holds an answer of proc ("a/b").
func (g goldens) has(proc string) bool {
	for name := range g {
		if procOf(name) == proc {
			return true
		}
	}
	return false
}

// defaultGoldens loads goldenDir once for every fake in the test binary;
// shapes are never changed after loading.
var defaultGoldens = sync.OnceValues(func() (goldens, error) { return loadGoldens(goldenDir) })

// procOf names the procedure of a golden file: "a.b.case" -> "a/b".
func procOf(name string) string {
	parts := strings.SplitN(name, ".", 3)
	if len(parts) < 2 {
		return name
	}
	return parts[0] + "/" + parts[1]
}

// shape is what a golden answer shows at one place: the JSON kinds seen
// there, the first non-null value, and, below objects and arrays, the
// shapes of the members and elements. Every element of an array shares one
// shape, the union of them all, so a member some elements leave out
// (omitempty) is still part of it, marked optional.
type shape struct {
	proc, path string // "models/getModels", ".models[]"
	kinds      map[string]bool
	sample     any               // the first non-null value seen
	members    map[string]*shape // of the objects seen here
	objects    int               // objects seen here
	present    int               // times this member was in its parent object
	elem       *shape            // of the arrays' elements seen here
	free       bool              // model-written JSON: only the kind is checked
}

func shapeOf(proc string, v any) *shape {
	s := newShape(proc, "")
	s.add(v)
	return s
}

func newShape(proc, path string) *shape {
	return &shape{proc: proc, path: path, kinds: map[string]bool{}, free: freeForm(path)}
}

func (s *shape) add(v any) {
	s.kinds[kindOf(v)] = true
	if s.sample == nil {
		s.sample = v
	}
	if s.free {
		return
	}
	switch v := v.(type) {
	case map[string]any:
		s.objects++
		for k, x := range v {
			m := s.member(k)
			m.present++
			m.add(x)
		}
	case []any:
		for _, x := range v {
			s.element().add(x)
		}
	}
}

func (s *shape) member(k string) *shape {
	if s.members == nil {
		s.members = map[string]*shape{}
	}
	if s.members[k] == nil {
		s.members[k] = newShape(s.proc, s.path+"."+k)
	}
	return s.members[k]
}

func (s *shape) element() *shape {
	if s.elem == nil {
		s.elem = newShape(s.proc, s.path+"[]")
	}
	return s.elem
}

// optional reports whether some object seen here lacks member k.
func (s *shape) optional(k string) bool {
	return s.members[k] != nil && s.members[k].present < s.objects
}

// at finds the shape at path (".a.b[]", "" for the answer itself).
func (s *shape) at(path string) *shape {
	for _, part := range strings.Split(strings.TrimPrefix(path, "."), ".") {
		name := strings.TrimRight(part, "[]")
		if name != "" {
			if s = s.members[name]; s == nil {
				return nil
			}
		}
		for range strings.Count(part, "[]") {
			if s = s.elem; s == nil {
				return nil
			}
		}
	}
	return s
}

// example is a fresh copy of what the golden answer shows here: an object
// with every member ever seen here, else the first non-null value.
func (s *shape) example() any {
	if s.members != nil && !s.free {
		m := make(map[string]any, len(s.members))
		for k, sub := range s.members {
			m[k] = sub.example()
		}
		return m
	}
	return deepCopy(s.sample)
}

// fill returns v checked against the shape and completed from it: objects
// get every member the golden shows that v does not set (save the omitted
// ones), and each value must be of a JSON kind the golden shows at its
// place. A member or kind the golden lacks is logged as drift, unless
// fakeDrift allows it there; the value is kept either way so the fake
// still answers.
func (s *shape) fill(v any, omit []string, log *driftLog) any {
	if fakeDrift[s.proc+" "+s.path] != "" {
		return v
	}
	k := kindOf(v)
	if !s.kinds[k] {
		log.add("%s %s: the fake sends %s, the golden file shows %s", s.proc, s.path, k, kindList(s.kinds))
		return v
	}
	if s.free {
		return v
	}
	switch k {
	case "object":
		return s.fillObject(v, omit, log)
	case "array":
		xs := elems(v)
		if len(xs) > 0 && s.elem == nil {
			log.add("%s %s: the golden file's arrays here are empty, nothing to check the fake's elements against", s.proc, s.path)
			return v
		}
		out := make([]any, len(xs))
		for i, x := range xs {
			out[i] = s.elem.fill(x, nil, log)
		}
		return out
	}
	return v
}

func (s *shape) fillObject(v any, omit []string, log *driftLog) map[string]any {
	over := members(v)
	out := make(map[string]any, len(s.members)+len(over))
	for k, x := range over {
		sub := s.members[k]
		if sub == nil {
			if fakeDrift[s.proc+" "+s.path+"."+k] == "" {
				log.add("%s %s: the fake sets %q, which the golden file does not have", s.proc, s.path, k)
			}
			out[k] = x
			continue
		}
		out[k] = sub.fill(x, nil, log)
	}
	for _, k := range omit {
		if !s.optional(k) {
			log.add("%s %s: the fake leaves out %q, which every object here in the golden file has", s.proc, s.path, k)
		}
	}
	for k, sub := range s.members {
		if _, set := out[k]; !set && !slices.Contains(omit, k) {
			out[k] = sub.example()
		}
	}
	return out
}

// kindOf is the JSON kind v encodes as: null, bool, number, string, array
// or object (a nil slice or map encodes as null).
func kindOf(v any) string {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Interface {
		if rv.IsNil() {
			return "null"
		}
		rv = rv.Elem()
	}
	switch rv.Kind() {
	case reflect.Invalid:
		return "null"
	case reflect.Bool:
		return "bool"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16,
		reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return "number"
	case reflect.String:
		return "string"
	case reflect.Slice, reflect.Map:
		if rv.IsNil() {
			return "null"
		}
		if rv.Kind() == reflect.Map {
			return "object"
		}
		return "array"
	case reflect.Array:
		return "array"
	}
	return "object" // a struct
}

func kindList(kinds map[string]bool) string {
	var ks []string
	for k := range kinds {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, " or ")
}

// members returns the entries of a map with string keys.
func members(v any) map[string]any {
	if m, ok := v.(map[string]any); ok {
		return m
	}
	out := map[string]any{}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Map {
		for it := rv.MapRange(); it.Next(); {
			out[it.Key().String()] = it.Value().Interface()
		}
	}
	return out
}

// elems returns the elements of a slice or array.
func elems(v any) []any {
	if xs, ok := v.([]any); ok {
		return xs
	}
	rv := reflect.ValueOf(v)
	out := make([]any, rv.Len())
	for i := range out {
		out[i] = rv.Index(i).Interface()
	}
	return out
}

// deepCopy copies decoded JSON.
func deepCopy(v any) any {
	switch v := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, x := range v {
			m[k] = deepCopy(x)
		}
		return m
	case []any:
		xs := make([]any, len(v))
		for i, x := range v {
			xs[i] = deepCopy(x)
		}
		return xs
	}
	return v
}

// driftLog collects what the fake sends that its golden files do not show.
type driftLog struct {
	mu   sync.Mutex
	seen map[string]bool
	msgs []string
}

func (l *driftLog) add(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.seen == nil {
		l.seen = map[string]bool{}
	}
	if !l.seen[msg] {
		l.seen[msg] = true
		l.msgs = append(l.msgs, msg)
	}
}

// err returns the drift logged so far, one line each, or nil.
func (l *driftLog) err() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.msgs) == 0 {
		return nil
	}
	return fmt.Errorf("the fake API drifted from the golden files:\n\t%s", strings.Join(l.msgs, "\n\t"))
}

// object is one object of a golden answer that the fake copies: with
// returns a fresh copy with the fake's own values set.
type object struct {
	s    *shape
	omit []string
	log  *driftLog
}

// golden returns the object at path (".trades[]", "" for the whole
// answer) in the golden file named file ("trading.getTrades").
func (f *fakeAPI) golden(file, path string) object {
	root := f.goldens[file]
	if root == nil {
		f.drift.add("no golden file %s.json", file)
		return object{s: newShape(procOf(file), path), log: f.drift}
	}
	s := root.at(path)
	if s == nil || s.members == nil {
		f.drift.add("golden file %s.json has no object at %q", file, path)
		return object{s: newShape(procOf(file), path), log: f.drift}
	}
	return object{s: s, log: f.drift}
}

// without leaves out members the real API sometimes leaves out (omitempty);
// leaving out one it always sends is drift.
func (o object) without(keys ...string) object {
	o.omit = append(slices.Clip(o.omit), keys...)
	return o
}

// with is a copy of the golden object with over's members set. Naming a
// member the golden object lacks, or giving a value of another JSON kind,
// is logged as drift (see shape.fill).
func (o object) with(over map[string]any) map[string]any {
	if o.s.members == nil { // no golden file: logged by golden
		return over
	}
	return o.s.fillObject(over, o.omit, o.log)
}
