package llm

import "testing"

func TestCleanJSONText(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`{"a":"plain"}`, `{"a":"plain"}`},
		{`{"a":"\u0000"}`, `{"a":"\ufffd"}`},
		{`{"a":"\ud800x"}`, `{"a":"\ufffdx"}`},
		{`{"a":"\udc00"}`, `{"a":"\ufffd"}`},
		{`{"a":"\ud83d\ude00"}`, `{"a":"\ud83d\ude00"}`},
		{`{"a":"\ud83d\u0041"}`, `{"a":"\ufffd\u0041"}`},
		{`{"a":"\\u0000"}`, `{"a":"\\u0000"}`},
		{`{"a":"\u00e9\n"}`, `{"a":"\u00e9\n"}`},
		{"raw\x00nul \xff", "raw\uFFFDnul \uFFFD"},
		{`trailing \u00`, `trailing \u00`},
		{`\`, `\`},
	} {
		if got := cleanJSONText(c.in); got != c.want {
			t.Errorf("cleanJSONText(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
