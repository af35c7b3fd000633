// Package config reads each binary's configuration from the environment with
// envconfig, once, into a typed struct, and validates it. A missing or
// malformed variable stops the binary with one line that names the variable
// and what is expected. Every variable has a row in the README's table,
// which a test keeps in step with these structs.
package config

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/kelseyhightower/envconfig"
)

// Load fills spec (a pointer to one of this package's structs) from the
// environment and validates it.
func Load(spec interface{ Validate() error }) error {
	if err := envconfig.Process("", spec); err != nil {
		return explain(spec, err)
	}
	if err := spec.Validate(); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	return nil
}

// explain turns envconfig's errors into one line naming the variable.
func explain(spec any, err error) error {
	var pe *envconfig.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("config: %s=%q is not valid: expected %s", pe.KeyName, pe.Value, expectation(spec, pe.FieldName, pe.TypeName))
	}
	msg := err.Error()
	if key, ok := strings.CutPrefix(msg, "required key "); ok {
		key = strings.TrimSuffix(key, " missing value")
		return fmt.Errorf("config: %s is required: %s", key, describe(spec, key))
	}
	return fmt.Errorf("config: %w", err)
}

func expectation(spec any, field, typ string) string {
	f, ok := reflect.TypeOf(spec).Elem().FieldByName(field)
	if ok && f.Tag.Get("expect") != "" {
		return f.Tag.Get("expect")
	}
	switch typ {
	case "int", "int32", "int64", "uint16":
		return "a whole number"
	case "bool":
		return "true or false"
	case "Duration", "time.Duration":
		return `a duration such as "500ms", "60s" or "5m"`
	case "Fixed", "arena.Fixed":
		return "a decimal number"
	}
	return "a value of type " + typ
}

func describe(spec any, key string) string {
	for _, v := range Describe(spec) {
		if v.Name == key {
			return v.Description
		}
	}
	return "see the configuration table in README.md"
}

// Var describes one environment variable of a spec.
type Var struct {
	Name, Default, Description string
	Required                   bool
}

// Describe lists spec's variables from its struct tags.
func Describe(spec any) []Var {
	t := reflect.TypeOf(spec)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var out []Var
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			out = append(out, Describe(reflect.New(f.Type).Interface())...)
			continue
		}
		name := f.Tag.Get("envconfig")
		if name == "" {
			continue
		}
		out = append(out, Var{
			Name: name, Default: f.Tag.Get("default"), Description: f.Tag.Get("desc"),
			Required: f.Tag.Get("required") == "true",
		})
	}
	return out
}
