package tape

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/marketdata"
)

// Version is the tape format version written in headers.
const Version = 1

// Line types besides the marketdata.Kind tags.
const (
	typeHeader  = "header"
	typeCandles = "candles"
)

// Header describes a tape.
type Header struct {
	Version int            `json:"version"`
	Source  string         `json:"source"` // the feed recorded: "lighter", "synthetic", …
	Markets []arena.Market `json:"markets,omitempty"`
}

// Candles is a block of history bars recorded before the messages.
type Candles struct {
	Symbol     arena.Symbol   `json:"symbol"`
	Resolution Duration       `json:"resolution"`
	Bars       []arena.Candle `json:"bars"`
}

// Duration is a time.Duration written as text ("5m0s").
type Duration time.Duration

// MarshalText implements encoding.TextMarshaler.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

type line struct {
	Type string          `json:"type"`
	Data json.RawMessage `json:"data"`
}

// appendLine appends one tape line (with its newline) to b.
func appendLine(b []byte, typ string, payload any) ([]byte, error) {
	data, err := json.Marshal(payload)
	if err != nil {
		return b, fmt.Errorf("encode %s: %w", typ, err)
	}
	b = append(b, `{"type":"`...)
	b = append(b, typ...)
	b = append(b, `","data":`...)
	b = append(b, data...)
	return append(b, "}\n"...), nil
}

// appendMessage appends m as a tape line.
func appendMessage(b []byte, m marketdata.Message) ([]byte, error) {
	switch m.Kind {
	case marketdata.KindBook:
		return appendLine(b, m.Kind.String(), m.Book)
	case marketdata.KindTrade:
		return appendLine(b, m.Kind.String(), m.Trade)
	case marketdata.KindStats:
		return appendLine(b, m.Kind.String(), m.Stats)
	}
	return b, arena.Errorf(arena.CodeInvalid, "encode message of kind %v", m.Kind)
}

// decodeMessage decodes a message line's payload.
func decodeMessage(l line) (marketdata.Message, error) {
	kind, err := marketdata.ParseKind(l.Type)
	if err != nil {
		return marketdata.Message{}, err
	}
	m := marketdata.Message{Kind: kind}
	switch kind {
	case marketdata.KindBook:
		err = json.Unmarshal(l.Data, &m.Book)
	case marketdata.KindTrade:
		err = json.Unmarshal(l.Data, &m.Trade)
	case marketdata.KindStats:
		err = json.Unmarshal(l.Data, &m.Stats)
	}
	if err == nil && m.Symbol() == "" {
		err = arena.Errorf(arena.CodeInvalid, "%s without a symbol", kind)
	}
	return m, err
}
