package apikeys

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRead(t *testing.T) {
	env := map[string]string{"K": "a", "K1": " ", "K2": "b", "K9": " c ", "K10": "ignored", "KX": "ignored"}
	got := Read(func(k string) string { return env[k] }, "K")
	if diff := cmp.Diff([]string{"a", "b", "c"}, got); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
	if Read(func(string) string { return "x" }, "") != nil {
		t.Fatal("an empty variable name has no keys")
	}
}
