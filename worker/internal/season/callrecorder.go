package season

import (
	"bufio"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/autonome-go/autonome/worker/internal/llm"
)

// CallRecorder is the live worker's model-call recording: an
// http.RoundTripper for the agents' provider clients that records every
// call as a Call (Entrant the deciding account and Invocation its turn,
// from the request's llm.Turn, else the provider model id; Model the
// provider model id as called, Slot the wall-clock start, Seq the order of
// the run) into a zstd stream of JSON
// lines, flushed after each call. The Authorization header is never
// recorded. A write error stops the recording (logged once), never a call.
type CallRecorder struct {
	next http.RoundTripper
	log  *slog.Logger

	mu  sync.Mutex
	dst io.WriteCloser
	zw  *zstd.Encoder
	bw  *bufio.Writer
	seq int
	err error
}

// NewCallRecorder records the calls made through next (nil:
// http.DefaultTransport) into dst.
func NewCallRecorder(dst io.WriteCloser, next http.RoundTripper, log *slog.Logger) (*CallRecorder, error) {
	if next == nil {
		next = http.DefaultTransport
	}
	zw, err := zstd.NewWriter(dst, zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithEncoderConcurrency(1))
	if err != nil {
		return nil, err
	}
	return &CallRecorder{next: next, log: log, dst: dst, zw: zw, bw: bufio.NewWriter(zw)}, nil
}

// RoundTrip implements http.RoundTripper.
func (r *CallRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	body, err := requestBody(req)
	if err != nil {
		return nil, err
	}
	var m struct {
		Model string `json:"model"`
	}
	_ = json.Unmarshal(body, &m)
	c := Call{Entrant: m.Model, Model: m.Model, Slot: time.Now().UTC()}
	if t, ok := llm.TurnOf(req.Context()); ok { // the seat's account and its turn
		c.Entrant, c.Invocation = t.Account, t.Invocation
	}
	resp, err := liveCall(r.next, req, body, &c)
	r.write(&c)
	return resp, err
}

func (r *CallRecorder) write(c *Call) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return
	}
	c.Seq = r.seq
	r.seq++
	raw, err := json.Marshal(c)
	if err == nil {
		raw = append(raw, '\n')
		_, err = r.bw.Write(raw)
	}
	if err == nil {
		err = r.bw.Flush()
	}
	if err == nil {
		err = r.zw.Flush()
	}
	if err != nil {
		r.err = err
		if r.log != nil {
			r.log.Error("recording model calls stopped", "err", err)
		}
	}
}

// Close ends the recording.
func (r *CallRecorder) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	err := r.err
	if err == nil {
		err = r.zw.Close()
	}
	if cerr := r.dst.Close(); err == nil {
		err = cerr
	}
	r.err = io.ErrClosedPipe
	return err
}
