package arena

import (
	"strings"
	"unicode/utf8"
)

// Limits of what a model's text may occupy once recorded. A reply is read
// up to the provider response limit; what is stored and published is an
// excerpt of each text with its full size beside it, so one model's reply
// never grows the database rows, the events or the dashboards beyond these.
const (
	MaxStoredText      = 16 << 10 // bytes of the response and of the reasoning stored per invocation
	MaxStoredArguments = 8 << 10  // bytes of one tool call's arguments stored
	MaxPublishedText   = 4 << 10  // bytes of the response and reasoning sent in a conversation event
	MaxPublishedArgs   = 1 << 10  // bytes of one tool call's arguments sent in a conversation event
)

// CleanText makes model text storable anywhere: invalid UTF-8 and NUL (which
// PostgreSQL's text and jsonb refuse) become U+FFFD; everything else is kept
// as it is.
func CleanText(s string) string {
	if utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}

// Excerpt returns s cut to at most n bytes on a character boundary, with "…"
// appended when it was cut, and whether it was.
func Excerpt(s string, n int) (string, bool) {
	if len(s) <= n {
		return s, false
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…", true
}
