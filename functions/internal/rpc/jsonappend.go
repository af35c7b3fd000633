package rpc

import (
	"slices"
	"unicode/utf8"
)

// AppendJSON encodes the history as json.Marshal does, without reflection:
// it is the largest answer the API gives (up to 15 000 entries).
func (o HistoryOutput) AppendJSON(b []byte) []byte {
	b = slices.Grow(b, 64+len(o.History)*360) // an entry is about 300 bytes
	b = append(b, `{"history":[`...)
	for i := range o.History {
		if i > 0 {
			b = append(b, ',')
		}
		b = o.History[i].appendJSON(b)
	}
	b = append(b, `],"resolution":`...)
	b = appendJSONString(b, o.Resolution)
	return append(b, '}')
}

func (e *HistoryEntry) appendJSON(b []byte) []byte {
	b = append(b, `{"id":`...)
	b = appendJSONString(b, e.ID)
	b = append(b, `,"modelId":`...)
	b = appendJSONString(b, e.ModelID)
	b = append(b, `,"netPortfolio":`...)
	b = appendJSONString(b, e.NetPortfolio)
	b = append(b, `,"createdAt":`...)
	b = appendJSONString(b, e.CreatedAt)
	b = append(b, `,"updatedAt":`...)
	b = appendJSONString(b, e.UpdatedAt)
	b = append(b, `,"model":{"name":`...)
	b = appendJSONString(b, e.Model.Name)
	if e.Model.Variant != "" {
		b = append(b, `,"variant":`...)
		b = appendJSONString(b, string(e.Model.Variant))
	}
	if e.Model.OpenRouterModelName != "" {
		b = append(b, `,"openRouterModelName":`...)
		b = appendJSONString(b, e.Model.OpenRouterModelName)
	}
	b = append(b, `,"kind":`...)
	b = appendJSONString(b, string(e.Model.Kind))
	return append(b, `}}`...)
}

const hexDigits = "0123456789abcdef"

// appendJSONString quotes s exactly as encoding/json does: HTML-safe
// (<, >, & escaped), U+2028 and U+2029 escaped, invalid UTF-8 replaced.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
