package tape

import (
	"bytes"
	"errors"
	"io"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/marketdata"
)

// Tape is a whole tape in memory: what a season runs on.
type Tape struct {
	Header   Header
	Candles  []Candles
	Messages []marketdata.Message
}

// Load reads a whole tape. Unlike Replay it keeps every message, so several
// consumers (one exchange per entrant) can walk it at their own pace.
func Load(r io.Reader) (*Tape, error) {
	p, err := NewReplay(r, ReplayOptions{})
	if err != nil {
		return nil, err
	}
	t := &Tape{Header: p.header, Candles: p.blocks}
	for {
		l, err := p.nextMessageLine()
		if errors.Is(err, io.EOF) {
			return t, nil
		}
		if err != nil {
			return nil, err
		}
		m, err := decodeMessage(l)
		if err != nil {
			return nil, p.lineErr(arena.WrapError(arena.CodeInvalid, err, "bad %s", l.Type))
		}
		t.Messages = append(t.Messages, m)
	}
}

// Encode writes t in the tape format.
func (t *Tape) Encode() ([]byte, error) {
	var buf bytes.Buffer
	b, err := appendLine(nil, typeHeader, t.Header)
	if err != nil {
		return nil, err
	}
	buf.Write(b)
	for _, c := range t.Candles {
		if b, err = appendLine(b[:0], typeCandles, c); err != nil {
			return nil, err
		}
		buf.Write(b)
	}
	for _, m := range t.Messages {
		if b, err = appendMessage(b[:0], m); err != nil {
			return nil, err
		}
		buf.Write(b)
	}
	return buf.Bytes(), nil
}
