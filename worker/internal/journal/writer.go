package journal

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"sync"

	"github.com/klauspost/compress/zstd"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/exchange"
)

// Writer writes a journal. Its methods are called by the exchange and the
// simulator under the exchange's lock; Flush and Close may be called from
// anywhere. A write error (a full disk) stops the journal, logged once:
// it never stops trading.
type Writer struct {
	mu     sync.Mutex
	dst    io.WriteCloser
	zw     *zstd.Encoder
	bw     *bufio.Writer
	enc    *json.Encoder
	log    *slog.Logger
	header Header
	begun  bool
	err    error

	inputs, batches int64
	chain, input    [32]byte
	last            *Mark
}

// NewWriter writes a journal opened by h (its Start is set by Begin) to dst.
func NewWriter(dst io.WriteCloser, h Header, log *slog.Logger) (*Writer, error) {
	w := &Writer{log: log, header: h}
	if err := w.open(dst); err != nil {
		return nil, err
	}
	return w, nil
}

// open makes dst the file written to.
func (w *Writer) open(dst io.WriteCloser) error {
	zw, err := zstd.NewWriter(dst, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1))
	if err != nil {
		return err
	}
	w.dst, w.zw = dst, zw
	w.bw = bufio.NewWriterSize(zw, 1<<16)
	w.enc = json.NewEncoder(w.bw)
	return nil
}

// Rotate cuts the journal at st (from exchange.Checkpoint, so no input
// comes between): it closes the current segment with a mark of period
// (the period that ends), then continues in dst, a new segment of period
// next whose header starts from st, books included, so it replays on its
// own. The new segment's Start hashes to the closing mark's State: that is
// how the segments of a season chain. A journal that had stopped (a write
// error) starts again in dst.
func (w *Writer) Rotate(dst io.WriteCloser, period, next string, st arena.ExchangeState) (Mark, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	m := w.mark(period, st)
	w.closeFile()
	if err := w.open(dst); err != nil {
		w.fail(err)
		return m, err
	}
	w.err = nil
	w.inputs, w.batches, w.chain, w.input = 0, 0, [32]byte{}, [32]byte{}
	w.header.Period, w.header.Start = next, st
	w.write(Line{Header: &w.header})
	w.flush()
	return m, w.err
}

// Begin writes the header with the state the exchange was restored to.
func (w *Writer) Begin(start arena.ExchangeState) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.header.Start = start
	w.begun = true
	w.write(Line{Header: &w.header})
}

// Input implements exchange.Journal.
func (w *Writer) Input(in *exchange.Input) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.begun {
		return // the exchange is being built: not an input of the run
	}
	w.inputs++
	if w.err != nil {
		return
	}
	raw, err := json.Marshal(Line{In: in})
	if err != nil {
		w.fail(err)
		return
	}
	w.input = chain(w.input, raw)
	if _, err := w.bw.Write(append(raw, '\n')); err != nil {
		w.fail(err)
	}
}

// Output records a batch the exchange published.
func (w *Writer) Output(b *arena.Batch) {
	d := digest(b)
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.begun {
		return
	}
	w.batches++
	w.chain = chain(w.chain, d)
	w.write(Line{Out: d})
}

// Mark closes a period at st (from exchange.Checkpoint) and flushes.
func (w *Writer) Mark(period string, st arena.ExchangeState) Mark {
	w.mu.Lock()
	defer w.mu.Unlock()
	m := w.mark(period, st)
	w.flush()
	return m
}

// mark writes the mark of period at st; w.mu is held.
func (w *Writer) mark(period string, st arena.ExchangeState) Mark {
	m := mark(period, st, w.inputs, w.batches, w.chain, w.input)
	w.last = &m
	w.write(Line{Mark: &m})
	return m
}

// Last is the last mark written, if any.
func (w *Writer) Last() (Mark, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.last == nil {
		return Mark{}, false
	}
	return *w.last, true
}

// Flush makes everything written so far readable from the file.
func (w *Writer) Flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.flush()
}

// Close flushes and closes the journal; nothing is written after it.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	err := w.closeFile()
	w.err = fmt.Errorf("journal: closed")
	return err
}

// closeFile flushes and closes the current segment's file.
func (w *Writer) closeFile() error {
	if w.dst == nil {
		return w.err
	}
	w.flush()
	if w.err == nil {
		w.err = w.zw.Close()
	}
	cerr := w.dst.Close()
	if w.err == nil {
		w.err = cerr
	}
	w.dst = nil
	return w.err
}

func (w *Writer) write(l Line) {
	if w.err != nil {
		return
	}
	if err := w.enc.Encode(l); err != nil {
		w.fail(err)
	}
}

func (w *Writer) flush() {
	if w.err != nil {
		return
	}
	if err := w.bw.Flush(); err != nil {
		w.fail(err)
		return
	}
	if err := w.zw.Flush(); err != nil {
		w.fail(err)
	}
}

func (w *Writer) fail(err error) {
	w.err = err
	if w.log != nil {
		w.log.Error("the season journal stopped: this run can no longer be verified offline", "err", err)
	}
}
