package journal

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/klauspost/compress/zstd"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/exchange"
)

// maxLine bounds one journal line (a book snapshot of every market).
const maxLine = 64 << 20

// Report is what Verify found.
type Report struct {
	Header    Header
	Inputs    int64
	Batches   int64
	Marks     []Mark // as replayed; each equals the recorded one
	Complete  bool   // the journal ends with a mark: the run's closing one ("end") or its period's (the journal was cut there)
	Truncated bool   // the file stops mid-stream (the worker was killed): verified up to there
	Final     []arena.AccountSnapshot
}

// Mismatch is a journal whose replay differs from its recording.
type Mismatch struct {
	Line   int64 // 1-based line of the journal
	What   string
	Record string
	Replay string
}

func (m *Mismatch) Error() string {
	return fmt.Sprintf("journal line %d: %s differs\n--- recorded\n%s\n--- replayed\n%s", m.Line, m.What, m.Record, m.Replay)
}

// outputs collects what the replaying exchange publishes.
type outputs struct {
	digests []string
	batch   func(b *arena.Batch)
}

func (o *outputs) Publish(b *arena.Batch) {
	o.digests = append(o.digests, digest(b))
	if o.batch != nil {
		o.batch(b)
	}
}

// Verify replays the journal in r onto a new exchange built from its
// header and checks every batch digest and every mark. It returns a
// *Mismatch for the first difference, or another error for a journal it
// cannot read.
func Verify(r io.Reader) (*Report, error) { return VerifyWith(r, Observer{}) }

// Observer watches a replay (to sample it; it must not change it). Either
// function may be nil.
type Observer struct {
	Before func(ex *exchange.Exchange, in *exchange.Input) // before each input is applied
	Batch  func(b *arena.Batch)                            // each batch the replay publishes
}

// VerifyWith is Verify telling o what the replay does.
func VerifyWith(r io.Reader, o Observer) (*Report, error) {
	zr, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1))
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 0, 1<<20), maxLine)

	rep := &Report{}
	out := &outputs{batch: o.Batch}
	var ex *exchange.Exchange
	var ch, inch [32]byte
	var line int64
	for sc.Scan() {
		line++
		var l Line
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			if !sc.Scan() && ex != nil { // the last line, cut where the worker was killed
				rep.Truncated = true
				break
			}
			return rep, fmt.Errorf("journal line %d: %w", line, err)
		}
		switch {
		case l.Header != nil:
			if ex != nil {
				return rep, fmt.Errorf("journal line %d: a second header", line)
			}
			rep.Header = *l.Header
			cfg := l.Header.Exchange
			cfg.Sink = out
			if ex, err = exchange.New(cfg); err != nil {
				return rep, fmt.Errorf("journal line %d: the recorded configuration: %w", line, err)
			}
			if err := ex.Restore(l.Header.Start); err != nil {
				return rep, fmt.Errorf("journal line %d: the recorded start state: %w", line, err)
			}
		case ex == nil:
			return rep, fmt.Errorf("journal line %d: no header before it", line)
		case l.In != nil:
			rep.Complete = false
			rep.Inputs++
			inch = chain(inch, sc.Bytes())
			if o.Before != nil {
				o.Before(ex, l.In)
			}
			_ = ex.Apply(*l.In) // an input refused live is refused again
		case l.Out != "":
			if len(out.digests) == 0 {
				return rep, &Mismatch{Line: line, What: fmt.Sprintf("batch %d", rep.Batches+1), Record: l.Out, Replay: "(no batch)"}
			}
			rep.Complete = false
			got := out.digests[0]
			out.digests = out.digests[1:]
			rep.Batches++
			if got != l.Out {
				return rep, &Mismatch{Line: line, What: fmt.Sprintf("batch %d", rep.Batches), Record: l.Out, Replay: got}
			}
			ch = chain(ch, got)
		case l.Mark != nil:
			if len(out.digests) > 0 {
				return rep, &Mismatch{Line: line, What: "batches before the mark", Record: "(none)", Replay: fmt.Sprintf("%d more", len(out.digests))}
			}
			var got Mark
			ex.Checkpoint(func(st arena.ExchangeState) { got = mark(l.Mark.Period, st, rep.Inputs, rep.Batches, ch, inch) })
			if a, b := fmt.Sprint(*l.Mark), fmt.Sprint(got); a != b {
				ra, _ := json.Marshal(l.Mark)
				rb, _ := json.Marshal(got)
				return rep, &Mismatch{Line: line, What: "mark " + l.Mark.Period, Record: string(ra), Replay: string(rb)}
			}
			rep.Marks = append(rep.Marks, got)
			rep.Complete = true
		default:
			return rep, fmt.Errorf("journal line %d: empty", line)
		}
	}
	if err := sc.Err(); err != nil {
		if !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, zstd.ErrMagicMismatch) {
			return rep, fmt.Errorf("journal line %d: %w", line+1, err)
		}
		rep.Truncated = true
	}
	if ex == nil {
		return rep, errors.New("journal: no header")
	}
	rep.Final = ex.Snapshots()
	return rep, nil
}

// PeriodEnd is the period of the mark written when the run stops cleanly.
const PeriodEnd = "end"
