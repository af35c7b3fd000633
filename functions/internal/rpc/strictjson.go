package rpc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// checkKeysAndText finds what encoding/json would accept silently in a
// request body: a key given twice, or twice in different case
// ({"accountId": A, "ACCOUNTID": B} decodes as B, since keys are matched
// without regard to case), and the NUL character in any key or string,
// which no input means and PostgreSQL cannot store. It returns the first
// such problem with its path from the body's root, or nil. Malformed JSON
// is left to the decoder, which reports it.
func checkKeysAndText(raw []byte) *Issue {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var stack []*jsonFrame
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil
		}
		top := (*jsonFrame)(nil)
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && top.obj && top.wantKey {
			if d, ok := tok.(json.Delim); ok && d == '}' {
				stack = valueDone(stack[:len(stack)-1])
				continue
			}
			k, _ := tok.(string)
			if issue := top.addKey(k, framePath(stack[:len(stack)-1])); issue != nil {
				return issue
			}
			continue
		}
		if top != nil && !top.obj {
			top.idx++
		}
		switch v := tok.(type) {
		case json.Delim:
			switch v {
			case '{':
				stack = append(stack, &jsonFrame{obj: true, wantKey: true, keys: map[string]string{}})
			case '[':
				stack = append(stack, &jsonFrame{})
			case ']':
				stack = valueDone(stack[:len(stack)-1])
			}
			continue
		case string:
			if strings.ContainsRune(v, 0) {
				return &Issue{Path: framePath(stack), Message: "must not contain the NUL character (\\u0000)"}
			}
		}
		stack = valueDone(stack)
	}
}

// jsonFrame is an object or array being read.
type jsonFrame struct {
	obj     bool
	wantKey bool              // objects: the next token is a key or '}'
	keys    map[string]string // objects: folded key -> key as written
	key     string            // objects: the current key
	idx     int               // arrays: elements started so far
}

func (f *jsonFrame) addKey(k string, parent []any) *Issue {
	path := append(parent, any(k))
	if strings.ContainsRune(k, 0) {
		return &Issue{Path: path, Message: "keys must not contain the NUL character (\\u0000)"}
	}
	folded := strings.ToLower(strings.ToUpper(k))
	if prev, dup := f.keys[folded]; dup {
		msg := fmt.Sprintf("duplicate key %q", k)
		if prev != k {
			msg = fmt.Sprintf("duplicate key: %q and %q differ only in case, and keys are matched without regard to case", prev, k)
		}
		return &Issue{Path: path, Message: msg}
	}
	f.keys[folded], f.key, f.wantKey = k, k, false
	return nil
}

// valueDone marks the value of the innermost object as read.
func valueDone(stack []*jsonFrame) []*jsonFrame {
	if len(stack) > 0 && stack[len(stack)-1].obj {
		stack[len(stack)-1].wantKey = true
	}
	return stack
}

// framePath is the path to the value being read.
func framePath(stack []*jsonFrame) []any {
	path := make([]any, 0, len(stack)+1)
	for _, f := range stack {
		if f.obj {
			path = append(path, f.key)
		} else {
			path = append(path, f.idx-1)
		}
	}
	return path
}
