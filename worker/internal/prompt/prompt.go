package prompt

import (
	"embed"
	"fmt"
	"io/fs"
	"strings"
	"text/template"

	"github.com/autonome-go/autonome/shared/arena"
)

//go:embed templates
var embedded embed.FS

// Set is a parsed set of prompt templates: the shared partials, one system
// template per variant and the user template. It is safe for concurrent use.
type Set struct {
	system map[arena.Variant]*template.Template
	user   *template.Template
}

// Default returns the templates compiled into the binary.
func Default() (*Set, error) {
	sub, err := fs.Sub(embedded, "templates")
	if err != nil {
		return nil, fmt.Errorf("open embedded prompts: %w", err)
	}
	return Load(sub)
}

// Load parses prompt templates from fsys, laid out as shared.tmpl (partials),
// system/<variant>.tmpl for every variant (lower-case id, e.g.
// system/guardian.tmpl) and user.tmpl. A missing variant is an error.
func Load(fsys fs.FS) (*Set, error) {
	shared, err := fs.ReadFile(fsys, "shared.tmpl")
	if err != nil {
		return nil, fmt.Errorf("read prompt partials: %w", err)
	}
	base, err := template.New("shared.tmpl").Option("missingkey=error").Parse(string(shared))
	if err != nil {
		return nil, fmt.Errorf("parse prompt partials: %w", err)
	}
	s := &Set{system: map[arena.Variant]*template.Template{}}
	for _, v := range arena.Variants() {
		name := "system/" + strings.ToLower(string(v.ID)) + ".tmpl"
		t, err := parseWith(fsys, base, name)
		if err != nil {
			return nil, err
		}
		s.system[v.ID] = t
	}
	if s.user, err = parseWith(fsys, nil, "user.tmpl"); err != nil {
		return nil, err
	}
	return s, nil
}

func parseWith(fsys fs.FS, base *template.Template, name string) (*template.Template, error) {
	text, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("read prompt %s: %w", name, err)
	}
	t := template.New(name).Option("missingkey=error")
	if base != nil {
		if t, err = base.Clone(); err != nil {
			return nil, fmt.Errorf("clone prompt partials for %s: %w", name, err)
		}
		t = t.New(name)
	}
	if _, err := t.Parse(string(text)); err != nil {
		return nil, fmt.Errorf("parse prompt %s: %w", name, err)
	}
	return t, nil
}

// System renders the system prompt of variant v.
func (s *Set) System(v arena.Variant, d SystemData) (string, error) {
	t, ok := s.system[v]
	if !ok {
		return "", arena.Errorf(arena.CodeInvalid, "no system prompt for variant %q", v)
	}
	var b strings.Builder
	if err := t.Execute(&b, d.view(v)); err != nil {
		return "", fmt.Errorf("render %s system prompt: %w", v, err)
	}
	return b.String(), nil
}

// User renders the user prompt.
func (s *Set) User(d UserData) (string, error) {
	var b strings.Builder
	b.Grow(8 << 10)
	if err := s.user.Execute(&b, d.view()); err != nil {
		return "", fmt.Errorf("render user prompt: %w", err)
	}
	return b.String(), nil
}

// DefaultFS returns the templates compiled into the binary, laid out as Load
// reads them (a season records their hashes).
func DefaultFS() fs.FS {
	sub, _ := fs.Sub(embedded, "templates") // a fixed, valid path
	return sub
}
