package relay

import (
	"strconv"
	"time"
)

// frame is one event encoded once for every client of its channel, or a
// marker from the subscription.
type frame struct {
	kind  frameKind
	id    string // event ID; for a marker, where the subscription stands
	prev  string // ID of the channel's event before this one
	plain []byte // without an "event:" line (data channels, default mode)
	named []byte // with "event: <type>"
}

type frameKind uint8

const (
	frameEvent frameKind = iota
	frameMark            // the subscription starts at id: clients behind it read the gap from Redis
	frameReset           // the subscription lost events before id: clients resync from Redis
)

func (f *frame) size() int { return len(f.id) + len(f.prev) + len(f.plain) + len(f.named) + 64 }

// bytes returns the encoding for a client in the given mode.
func (f *frame) bytes(named bool) []byte {
	if named || f.plain == nil {
		return f.named
	}
	return f.plain
}

// appendEvent appends an SSE event. id and typ are omitted when empty; data
// is split into one "data:" line per line it contains (CR, LF or CRLF), as
// the SSE grammar requires. An event with neither data nor type still sets the
// client's last event ID without dispatching anything.
func appendEvent(b []byte, id, typ string, data []byte) []byte {
	if id != "" {
		b = append(b, "id: "...)
		b = append(b, id...)
		b = append(b, '\n')
	}
	if typ != "" {
		b = append(b, "event: "...)
		b = append(b, typ...)
		b = append(b, '\n')
	}
	if len(data) > 0 {
		b = appendData(b, data)
	}
	return append(b, '\n')
}

func appendData(b, data []byte) []byte {
	start := 0
	for i := 0; i <= len(data); i++ {
		if i < len(data) && data[i] != '\n' && data[i] != '\r' {
			continue
		}
		b = append(b, "data: "...)
		b = append(b, data[start:i]...)
		b = append(b, '\n')
		if i+1 < len(data) && data[i] == '\r' && data[i+1] == '\n' {
			i++
		}
		start = i + 1
	}
	return b
}

// appendRetry appends a reconnection-delay hint line; it joins the event
// appended after it, or stands alone when followed by a blank line.
func appendRetry(b []byte, d time.Duration) []byte {
	b = append(b, "retry: "...)
	b = strconv.AppendInt(b, d.Milliseconds(), 10)
	return append(b, '\n')
}

// heartbeat is an SSE comment: it keeps proxies and the connection alive and
// is ignored by EventSource.
var heartbeat = []byte(": ping\n\n")

// Control event types (always sent named).
const (
	typeConnected = "connected"
	typeReset     = "reset"
	typeReconnect = "reconnect"
	typeSnapshot  = "snapshot"
)
