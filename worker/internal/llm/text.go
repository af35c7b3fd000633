package llm

import (
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/autonome-go/autonome/shared/arena"
)

// Model text is cleaned where it enters the arena: a reply may carry NUL or
// lone UTF-16 surrogates (valid JSON escapes, refused by PostgreSQL's text
// and jsonb), and nothing a model writes may keep its decision from being
// recorded.

// cleanText replaces invalid UTF-8 and NUL, keeping the rest verbatim.
func cleanText(s string) string { return arena.CleanText(s) }

// cleanJSONText cleans tool-call arguments, which are JSON text: besides
// raw NUL and invalid UTF-8, the escapes \u0000 and lone surrogates become
// \ufffd. Everything else, valid or not, is kept as written.
func cleanJSONText(s string) string {
	s = arena.CleanText(s)
	if !strings.Contains(s, `\u`) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		r, ok := escapeAt(s, i)
		switch {
		case !ok: // another escape: copy it whole so its second byte is not read as one
			b.WriteString(s[i : i+2])
			i++
		case r == 0 || utf16.IsSurrogate(r) && r >= 0xDC00:
			b.WriteString(`\ufffd`)
			i += 5
		case utf16.IsSurrogate(r):
			if lo, ok := escapeAt(s, i+6); ok && lo >= 0xDC00 && lo <= 0xDFFF {
				b.WriteString(s[i : i+12])
				i += 11
				continue
			}
			b.WriteString(`\ufffd`)
			i += 5
		default:
			b.WriteString(s[i : i+6])
			i += 5
		}
	}
	return b.String()
}

// escapeAt reads a \uXXXX escape at s[i:].
func escapeAt(s string, i int) (rune, bool) {
	if i+6 > len(s) || s[i] != '\\' || s[i+1] != 'u' {
		return 0, false
	}
	v, err := strconv.ParseUint(s[i+2:i+6], 16, 16)
	if err != nil {
		return 0, false
	}
	return rune(v), true
}
