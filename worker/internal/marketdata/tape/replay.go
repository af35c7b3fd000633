package tape

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync/atomic"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/marketdata"
)

// maxLine bounds one tape line (a deep book snapshot is well under this).
const maxLine = 64 << 20

// ReplayOptions configure a Replay.
type ReplayOptions struct {
	// Speed paces delivery by the messages' timestamps: 1 is the recorded
	// pace, 2 twice as fast. 0 delivers as fast as the sink takes them.
	Speed float64
	Clock marketdata.Clock // for pacing; default marketdata.SystemClock()
}

// Replay is a Feed that plays a tape back, and a History that serves the
// tape's recorded candles extended with the replayed trades and mids. Run
// may be called once.
type Replay struct {
	opts    ReplayOptions
	sc      *bufio.Scanner
	lineNo  int
	header  Header
	pending *line // first message line, read while looking for candles
	blocks  []Candles
	ran     atomic.Bool

	*History
}

var (
	_ marketdata.Feed    = (*Replay)(nil)
	_ marketdata.History = (*Replay)(nil)
)

// NewReplay reads the tape's header and history from r; the messages are
// read as Run delivers them.
func NewReplay(r io.Reader, opts ReplayOptions) (*Replay, error) {
	if opts.Clock == nil {
		opts.Clock = marketdata.SystemClock()
	}
	if opts.Speed < 0 {
		return nil, arena.Errorf(arena.CodeInvalid, "replay speed %v is negative", opts.Speed)
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	p := &Replay{opts: opts, sc: sc}
	if err := p.readPreamble(); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *Replay) readPreamble() error {
	l, err := p.next()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return arena.Errorf(arena.CodeInvalid, "tape is empty")
		}
		return err
	}
	if l.Type != typeHeader {
		return p.lineErr(arena.Errorf(arena.CodeInvalid, "tape starts with %q, not a header", l.Type))
	}
	if err := json.Unmarshal(l.Data, &p.header); err != nil {
		return p.lineErr(arena.WrapError(arena.CodeInvalid, err, "bad tape header"))
	}
	if p.header.Version != Version {
		return p.lineErr(arena.Errorf(arena.CodeInvalid, "tape version %d, want %d", p.header.Version, Version))
	}
	var blocks []Candles
	for {
		l, err := p.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		if l.Type != typeCandles {
			p.pending = &l
			break
		}
		var c Candles
		if err := json.Unmarshal(l.Data, &c); err != nil {
			return p.lineErr(arena.WrapError(arena.CodeInvalid, err, "bad candles"))
		}
		blocks = append(blocks, c)
	}
	p.blocks = blocks
	h, err := NewHistory(blocks)
	if err != nil {
		return fmt.Errorf("replay: %w", err)
	}
	p.History = h
	return nil
}

// next reads the next line; io.EOF at the end of the tape. A last line cut
// short (a recording killed mid-write) also ends the tape.
func (p *Replay) next() (line, error) {
	for p.sc.Scan() {
		p.lineNo++
		raw := p.sc.Bytes()
		if len(raw) == 0 {
			continue
		}
		var l line
		if err := json.Unmarshal(raw, &l); err != nil {
			if !p.sc.Scan() && p.sc.Err() == nil {
				return line{}, io.EOF
			}
			return line{}, p.lineErr(arena.WrapError(arena.CodeInvalid, err, "bad tape line"))
		}
		return l, nil
	}
	if err := p.sc.Err(); err != nil {
		return line{}, p.lineErr(fmt.Errorf("read tape: %w", err))
	}
	return line{}, io.EOF
}

func (p *Replay) lineErr(err error) error { return fmt.Errorf("replay line %d: %w", p.lineNo, err) }

// Header returns the tape's header.
func (p *Replay) Header() Header { return p.header }

// Markets returns the markets named in the header.
func (p *Replay) Markets(context.Context) ([]arena.Market, error) {
	return slices.Clone(p.header.Markets), nil
}

// Run delivers the tape's messages in order until the tape ends (nil), ctx
// ends, the sink fails or a line is malformed.
func (p *Replay) Run(ctx context.Context, sink marketdata.Sink) error {
	if !p.ran.CompareAndSwap(false, true) {
		return errors.New("replay: Run called twice")
	}
	pace := pacer{speed: p.opts.Speed, clock: p.opts.Clock}
	for {
		l, err := p.nextMessageLine()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		m, err := decodeMessage(l)
		if err != nil {
			return p.lineErr(arena.WrapError(arena.CodeInvalid, err, "bad %s", l.Type))
		}
		if err := pace.wait(ctx, m.Time()); err != nil {
			return err
		}
		p.Observe(m)
		if err := m.Deliver(ctx, sink); err != nil {
			return fmt.Errorf("replay: deliver line %d: %w", p.lineNo, err)
		}
	}
}

func (p *Replay) nextMessageLine() (line, error) {
	if l := p.pending; l != nil {
		p.pending = nil
		return *l, nil
	}
	return p.next()
}

// pacer waits so that message times map onto the clock at the given speed,
// never moving backwards when timestamps do.
type pacer struct {
	speed      float64
	clock      marketdata.Clock
	origin     time.Time // first message time
	wallOrigin time.Time // clock time when it was delivered
	last       time.Duration
}

func (pc *pacer) wait(ctx context.Context, t time.Time) error {
	if err := ctx.Err(); err != nil || pc.speed == 0 {
		return err
	}
	if pc.origin.IsZero() {
		pc.origin, pc.wallOrigin = t, pc.clock.Now()
		return nil
	}
	offset := max(pc.last, time.Duration(float64(t.Sub(pc.origin))/pc.speed))
	pc.last = offset
	d := pc.wallOrigin.Add(offset).Sub(pc.clock.Now())
	if d <= 0 {
		return nil
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-pc.clock.After(d):
		return nil
	}
}
