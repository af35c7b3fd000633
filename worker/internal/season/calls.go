package season

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/autonome-go/autonome/shared/retry"
)

// Call is one recorded HTTP exchange with a model provider: the exact
// request body, the exact response, how long it took and how long the
// client waited before it (a retry's backoff). The Authorization header is
// never recorded.
type Call struct {
	Entrant string `json:"entrant"`
	// Model and Invocation are set in the live season's recording: the
	// provider model id as called and the agent turn (Entrant is then the
	// account) that made the call.
	Model      string            `json:"model,omitempty"`
	Invocation string            `json:"invocation,omitempty"`
	Seq        int               `json:"seq"` // per entrant, from 0
	Slot       time.Time         `json:"slot"`
	URL        string            `json:"url"`
	Request    string            `json:"request"` // the body (JSON the client built: always UTF-8)
	Status     int               `json:"status,omitempty"`
	Header     map[string]string `json:"header,omitempty"` // Content-Type, Retry-After
	// Response is the body when it is UTF-8; ResponseBytes otherwise.
	Response      string `json:"response,omitempty"`
	ResponseBytes []byte `json:"responseBytes,omitempty"`
	// Error is "timeout" or a network failure's text when no response came.
	Error     string `json:"error,omitempty"`
	LatencyNs int64  `json:"latencyNs"`
	WaitNs    int64  `json:"waitNs,omitempty"`
}

func (c *Call) body() []byte {
	if c.ResponseBytes != nil {
		return c.ResponseBytes
	}
	return []byte(c.Response)
}

// recordedHeaders are the response headers the client reads.
var recordedHeaders = []string{"Content-Type", "Retry-After"}

// maxRecordedBody bounds what is read of a response (the client reads at
// most LLM_MAX_RESPONSE_BYTES + 1 of it).
const maxRecordedBody = 64 << 20

// Divergence is a replay whose rebuilt request differs from the recorded
// one: the first such call, with both texts.
type Divergence struct {
	Entrant  string
	Seq      int
	Slot     time.Time
	Offset   int // first differing byte
	Recorded string
	Rebuilt  string
}

func (d *Divergence) Error() string {
	if d.Recorded == "" && d.Offset < 0 {
		return fmt.Sprintf("replay diverged: %s call %d at slot %s has no recorded response; rebuilt request:\n%s",
			d.Entrant, d.Seq, d.Slot.Format(time.RFC3339), d.Rebuilt)
	}
	return fmt.Sprintf("replay diverged: %s call %d at slot %s differs from the recording at byte %d\n--- recorded\n%s\n--- rebuilt\n%s",
		d.Entrant, d.Seq, d.Slot.Format(time.RFC3339), d.Offset, d.Recorded, d.Rebuilt)
}

var errDiverged = errors.New("season: the request differs from the recording")

// callLog is one entrant's model calls: a RoundTripper that records them
// (live) or serves them back (replay), and the retry wait of the entrant's
// client. It moves the entrant's clock by each call's latency and wait.
// Only the entrant's goroutine uses it.
type callLog struct {
	entrant string
	clock   *clock
	live    http.RoundTripper // nil: replay from recorded
	// slot is the decision the calls belong to (set by the entrant).
	slot time.Time

	recorded   []Call
	next       int
	wait       time.Duration // a live retry wait not yet attached to a call
	out        []Call
	divergence *Divergence
}

// RoundTrip implements http.RoundTripper.
func (l *callLog) RoundTrip(req *http.Request) (*http.Response, error) {
	body, err := requestBody(req)
	if err != nil {
		return nil, err
	}
	if l.live != nil {
		return l.record(req, body)
	}
	return l.replay(req, body)
}

func (l *callLog) record(req *http.Request, body []byte) (*http.Response, error) {
	c := Call{Entrant: l.entrant, Seq: len(l.out), Slot: l.slot, WaitNs: int64(l.wait)}
	l.wait = 0
	resp, err := liveCall(l.live, req, body, &c)
	l.clock.add(time.Duration(c.LatencyNs))
	l.out = append(l.out, c)
	return resp, err
}

// requestBody reads and closes req's body (nil without one).
func requestBody(req *http.Request) ([]byte, error) {
	if req.Body == nil {
		return nil, nil
	}
	defer req.Body.Close()
	return io.ReadAll(req.Body)
}

// liveCall sends req (its body already read into body) through rt and
// records the exchange into c: URL, request, status, the headers the
// client reads, the response bytes, the latency, or the error. The
// response returned is rebuilt from c, so the caller reads exactly what
// was recorded.
func liveCall(rt http.RoundTripper, req *http.Request, body []byte, c *Call) (*http.Response, error) {
	c.URL, c.Request = req.URL.String(), string(body)
	r2 := req.Clone(req.Context())
	r2.Body = io.NopCloser(bytes.NewReader(body))
	r2.ContentLength = int64(len(body))
	start := time.Now()
	resp, err := rt.RoundTrip(r2)
	var raw []byte
	if err == nil {
		raw, err = io.ReadAll(io.LimitReader(resp.Body, maxRecordedBody))
		resp.Body.Close()
	}
	c.LatencyNs = int64(time.Since(start))
	if err != nil {
		c.Error = errorText(req.Context(), err)
		return nil, replayedError(c.Error)
	}
	c.Status = resp.StatusCode
	for _, h := range recordedHeaders {
		if v := resp.Header.Get(h); v != "" {
			if c.Header == nil {
				c.Header = map[string]string{}
			}
			c.Header[h] = v
		}
	}
	if utf8.Valid(raw) {
		c.Response = string(raw)
	} else {
		c.ResponseBytes = raw
	}
	return response(req, c), nil
}

func (l *callLog) replay(req *http.Request, body []byte) (*http.Response, error) {
	seq := len(l.out)
	if l.divergence != nil {
		return nil, errDiverged
	}
	if l.next >= len(l.recorded) {
		l.divergence = &Divergence{Entrant: l.entrant, Seq: seq, Slot: l.slot, Offset: -1, Rebuilt: string(body)}
		return nil, errDiverged
	}
	c := l.recorded[l.next]
	if !bytes.Equal(body, []byte(c.Request)) || !c.Slot.Equal(l.slot) {
		l.divergence = &Divergence{Entrant: l.entrant, Seq: seq, Slot: l.slot, Offset: firstDiff(body, []byte(c.Request)),
			Recorded: c.Request, Rebuilt: string(body)}
		return nil, errDiverged
	}
	l.next++
	l.clock.add(time.Duration(c.LatencyNs))
	l.out = append(l.out, c)
	if c.Error != "" {
		return nil, replayedError(c.Error)
	}
	return response(req, &c), nil
}

// sleep is the client's retry wait: real when live (and recorded with the
// next call), the recorded one in a replay.
func (l *callLog) sleep(ctx context.Context, d time.Duration) error {
	if l.live == nil {
		if l.next < len(l.recorded) {
			l.clock.add(time.Duration(l.recorded[l.next].WaitNs))
		}
		return ctx.Err()
	}
	if err := retry.Sleep(ctx, d); err != nil {
		return err
	}
	l.wait += d
	l.clock.add(d)
	return nil
}

func response(req *http.Request, c *Call) *http.Response {
	h := http.Header{}
	for k, v := range c.Header {
		h.Set(k, v)
	}
	b := c.body()
	return &http.Response{StatusCode: c.Status, Status: fmt.Sprintf("%d %s", c.Status, http.StatusText(c.Status)), Header: h,
		Body: io.NopCloser(bytes.NewReader(b)), ContentLength: int64(len(b)), Request: req, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1}
}

// errorText classifies a failed exchange as the client will: a timeout or
// a network failure.
func errorText(ctx context.Context, err error) string {
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return "timeout"
	}
	return strings.TrimSpace("network: " + err.Error())
}

func replayedError(text string) error {
	if text == "timeout" {
		return context.DeadlineExceeded
	}
	return errors.New(text)
}

func firstDiff(a, b []byte) int {
	n := min(len(a), len(b))
	for i := range n {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

// clock is one entrant's simulated time.
type clock struct{ t time.Time }

func (c *clock) now() time.Time      { return c.t }
func (c *clock) add(d time.Duration) { c.t = c.t.Add(d) }
func (c *clock) set(t time.Time)     { c.t = t }
