//go:build linux

package main

import (
	"bytes"
	"errors"
	"net"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// poller reads many SSE connections from one goroutine with level-triggered
// epoll: one read system call per event and no goroutine switch, so the load
// generator's own cost stays small next to the relay it measures.
type poller struct {
	epfd int
	lat  *histogram
	t    *tally
	stop chan struct{}
	done chan struct{}

	mu    sync.Mutex
	conns map[int32]*stream
}

// stream is one SSE connection's parse state; only the poller touches it
// once added.
type stream struct {
	conn    net.Conn // holds the descriptor open
	fd      int
	header  bool   // the response header has been read
	up      bool   // the first event arrived
	carry   []byte // unparsed bytes (a partial line)
	lastSeq int64
	ready   func() // called once: the stream is up, or failed
}

func newPoller(lat *histogram, t *tally) (*poller, error) {
	fd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, err
	}
	p := &poller{epfd: fd, lat: lat, t: t, stop: make(chan struct{}), done: make(chan struct{}), conns: make(map[int32]*stream)}
	go p.run()
	return p, nil
}

// add takes over conn, on which the request has been written.
func (p *poller) add(conn net.Conn, ready func()) error {
	tc, ok := conn.(*net.TCPConn)
	if !ok {
		return errors.New("not a TCP connection")
	}
	raw, err := tc.SyscallConn()
	if err != nil {
		return err
	}
	var fd int
	if err := raw.Control(func(f uintptr) { fd = int(f) }); err != nil {
		return err
	}
	s := &stream{conn: conn, fd: fd, ready: ready}
	p.mu.Lock()
	p.conns[int32(fd)] = s
	p.mu.Unlock()
	ev := unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLRDHUP, Fd: int32(fd)}
	if err := unix.EpollCtl(p.epfd, unix.EPOLL_CTL_ADD, fd, &ev); err != nil {
		p.mu.Lock()
		delete(p.conns, int32(fd))
		p.mu.Unlock()
		return err
	}
	return nil
}

func (p *poller) run() {
	defer close(p.done)
	var events [256]unix.EpollEvent
	buf := make([]byte, 64<<10)
	for {
		select {
		case <-p.stop:
			return
		default:
		}
		n, err := unix.EpollWait(p.epfd, events[:], 100)
		if err != nil && !errors.Is(err, unix.EINTR) {
			return
		}
		if n <= 0 {
			continue
		}
		now := time.Now()
		for _, ev := range events[:n] {
			p.mu.Lock()
			s := p.conns[ev.Fd]
			p.mu.Unlock()
			if s == nil {
				continue
			}
			r, err := unix.Read(s.fd, buf)
			switch {
			case errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EINTR):
			case err != nil || r == 0:
				p.end(s)
			default:
				if !p.consume(s, buf[:r], now) {
					p.end(s)
				}
			}
		}
	}
}

// end drops a stream the relay closed (or that failed to start).
func (p *poller) end(s *stream) {
	select {
	case <-p.stop:
		return // the benchmark is over; close will take care of it
	default:
	}
	if s.up {
		p.t.dropped.Add(1)
	} else {
		p.t.failed.Add(1)
		s.ready()
	}
	p.remove(s)
}

func (p *poller) remove(s *stream) {
	_ = unix.EpollCtl(p.epfd, unix.EPOLL_CTL_DEL, s.fd, nil)
	p.mu.Lock()
	delete(p.conns, int32(s.fd))
	p.mu.Unlock()
	_ = s.conn.Close()
}

var (
	headerEnd  = []byte("\r\n\r\n")
	dataPrefix = []byte("data: ")
	idPrefix   = []byte("id: ")
)

// consume parses what was read; false means the stream is unusable.
func (p *poller) consume(s *stream, b []byte, now time.Time) bool {
	if len(s.carry) > 0 {
		s.carry = append(s.carry, b...)
		b, s.carry = s.carry, nil
	}
	if !s.header {
		i := bytes.Index(b, headerEnd)
		if i < 0 {
			s.carry = append([]byte(nil), b...)
			return len(s.carry) < 16<<10
		}
		if !bytes.Contains(b[:bytes.IndexByte(b, '\n')+1], []byte(" 200 ")) {
			return false
		}
		s.header, b = true, b[i+len(headerEnd):]
	}
	for {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			break
		}
		p.line(s, b[:i], now)
		b = b[i+1:]
	}
	if len(b) > 0 {
		s.carry = append([]byte(nil), b...)
	}
	return true
}

func (p *poller) line(s *stream, l []byte, now time.Time) {
	if !s.up && bytes.HasPrefix(l, idPrefix) {
		s.up = true
		p.t.connected.Add(1)
		s.ready()
	}
	if !bytes.HasPrefix(l, dataPrefix) {
		return
	}
	seq, sent, ok := parsePayload(l[len(dataPrefix):])
	if !ok {
		return
	}
	p.lat.record(now.Sub(time.Unix(0, sent)))
	p.t.received.Add(1)
	if s.lastSeq != 0 && seq != s.lastSeq+1 {
		p.t.outOfOrder.Add(1)
	}
	s.lastSeq = seq
}

// close stops the poller and closes its connections.
func (p *poller) close() {
	close(p.stop)
	<-p.done
	p.mu.Lock()
	for _, s := range p.conns {
		_ = s.conn.Close()
	}
	p.conns = nil
	p.mu.Unlock()
	_ = unix.Close(p.epfd)
}
