package relay_test

import (
	"bufio"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

// sseEvent is one block of an event stream, up to its blank line.
type sseEvent struct {
	ID, Event, Data, Retry string
	HasID, Comment         bool
}

// sseConn reads an event stream in the background.
type sseConn struct {
	resp   *http.Response
	cancel context.CancelFunc
	blocks chan sseEvent
	closed chan struct{} // closed when the stream ends
}

// dial opens a stream and fails the test unless it answers 200.
func dial(t *testing.T, url string, header http.Header) *sseConn {
	t.Helper()
	c, status := tryDial(t, url, header)
	if status != http.StatusOK {
		t.Fatalf("GET %s: status %d", url, status)
	}
	return c
}

func tryDial(t *testing.T, url string, header http.Header) (*sseConn, int) {
	t.Helper()
	return tryDialWith(t, http.DefaultClient, url, header)
}

func tryDialWith(t *testing.T, client *http.Client, url string, header http.Header) (*sseConn, int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := client.Do(req)
	if err != nil {
		cancel()
		t.Fatalf("GET %s: %v", url, err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		cancel()
		return nil, resp.StatusCode
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Errorf("Content-Type = %q", ct)
	}
	c := &sseConn{resp: resp, cancel: cancel, blocks: make(chan sseEvent, 10000), closed: make(chan struct{})}
	go c.read()
	t.Cleanup(c.Close)
	return c, resp.StatusCode
}

func (c *sseConn) Close() { c.cancel(); c.resp.Body.Close() }

func (c *sseConn) read() {
	defer close(c.closed)
	sc := bufio.NewScanner(c.resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var ev sseEvent
	var data []string
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			ev.Data = strings.Join(data, "\n")
			c.blocks <- ev
			ev, data = sseEvent{}, nil
			continue
		}
		if strings.HasPrefix(line, ":") {
			ev.Comment = true
			continue
		}
		field, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch field {
		case "id":
			ev.ID, ev.HasID = value, true
		case "event":
			ev.Event = value
		case "data":
			data = append(data, value)
		case "retry":
			ev.Retry = value
		}
	}
}

// next returns the next block that carries an event, data or ID (skipping
// heartbeats and bare retry hints).
func (c *sseConn) next(t *testing.T) sseEvent {
	t.Helper()
	for {
		b := c.nextBlock(t)
		if b.HasID || b.Event != "" || b.Data != "" {
			return b
		}
	}
}

func (c *sseConn) nextBlock(t *testing.T) sseEvent {
	t.Helper()
	select {
	case b := <-c.blocks:
		return b
	case <-c.closed:
		select {
		case b := <-c.blocks:
			return b
		default:
		}
		t.Fatal("stream ended")
	case <-time.After(10 * time.Second):
		t.Fatal("no event within 10 s")
	}
	return sseEvent{}
}

// quiet fails if a data-bearing block arrives within d.
func (c *sseConn) quiet(t *testing.T, d time.Duration) {
	t.Helper()
	deadline := time.After(d)
	for {
		select {
		case b := <-c.blocks:
			if b.HasID || b.Event != "" || b.Data != "" {
				t.Fatalf("unexpected event %+v", b)
			}
		case <-deadline:
			return
		}
	}
}

// waitClosed fails unless the stream ends within d.
func (c *sseConn) waitClosed(t *testing.T, d time.Duration) {
	t.Helper()
	select {
	case <-c.closed:
	case <-time.After(d):
		t.Fatalf("stream still open after %s", d)
	}
}
