package relay

import (
	"testing"
	"time"
)

func TestAppendEvent(t *testing.T) {
	tests := []struct {
		name, id, typ, data, want string
	}{
		{"unnamed", "1-0", "", `{"a":1}`, "id: 1-0\ndata: {\"a\":1}\n\n"},
		{"named", "1-0", "positions:updated", `[]`, "id: 1-0\nevent: positions:updated\ndata: []\n\n"},
		{"no id", "", "reset", `{}`, "event: reset\ndata: {}\n\n"},
		{"id only", "5-1", "", "", "id: 5-1\n\n"},
		{"multi-line data", "", "", "a\nb\r\nc\rd", "data: a\ndata: b\ndata: c\ndata: d\n\n"},
		{"trailing newline", "", "", "a\n", "data: a\ndata: \n\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(appendEvent(nil, tt.id, tt.typ, []byte(tt.data)))
			if got != tt.want {
				t.Errorf("appendEvent = %q, want %q", got, tt.want)
			}
		})
	}
	if got := string(appendRetry(nil, 2500*time.Millisecond)); got != "retry: 2500\n" {
		t.Errorf("appendRetry = %q", got)
	}
}
