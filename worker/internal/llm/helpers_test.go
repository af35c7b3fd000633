package llm

import (
	"errors"
	"reflect"
	"slices"
	"strings"
)

func errorsAs(err error, target any) bool { return errors.As(err, target) }

func sortStrings(s []string) []string { slices.Sort(s); return s }

// yamlFields lists the yaml field names of struct v, sorted and joined.
func yamlFields(v any) string {
	var out []string
	t := reflect.TypeOf(v)
	for i := range t.NumField() {
		out = append(out, strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0])
	}
	return strings.Join(sortStrings(out), ",")
}
