package redis

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

// liveMessage is a pub/sub message as publishScript writes it.
type liveMessage struct {
	event arena.Event
	prev  string // ID of the channel's event before this one
}

var errMalformed = errors.New("malformed event message")

// parseLiveMessage parses "id\nprev\ntype\nts\ndata". data is JSON and may
// itself contain no raw newline (encoding/json escapes them), but the split
// stops after four fields anyway.
func parseLiveMessage(ch arena.Channel, payload string) (liveMessage, error) {
	var f [4]string
	rest := payload
	for i := range f {
		var ok bool
		f[i], rest, ok = strings.Cut(rest, "\n")
		if !ok {
			return liveMessage{}, errMalformed
		}
	}
	us, err := strconv.ParseInt(f[3], 10, 64)
	if err != nil || f[2] == "" {
		return liveMessage{}, errMalformed
	}
	if _, _, ok := arena.ParseEventID(f[0]); !ok {
		return liveMessage{}, errMalformed
	}
	return liveMessage{
		event: arena.Event{ID: f[0], Channel: ch, Type: f[2], Time: time.UnixMicro(us).UTC(), Data: json.RawMessage(rest)},
		prev:  f[1],
	}, nil
}
