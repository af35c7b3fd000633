package relay

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"syscall"
	"time"
)

// errWouldBlock reports that a non-blocking write did not complete: the
// client's socket buffer is full (or the sink cannot write without blocking).
var errWouldBlock = errors.New("write would block")

// sink is where a client's bytes go.
type sink interface {
	// tryWrite writes without blocking and returns how much was written;
	// errWouldBlock when not everything could be.
	tryWrite(b []byte) (int, error)
	// write writes all of b (flushed) or fails after the deadline.
	write(b []byte, deadline time.Time) error
	// probe reports, without blocking, whether the peer has closed.
	probe() (closed bool)
	// detached reports whether the stream outlives its HTTP handler, so
	// writers other than its own goroutine serve it (hijacked connections).
	detached() bool
	close()
}

// connSink is a hijacked HTTP/1.1 connection written directly: the shard
// writers write to its socket without blocking, so a live event costs one
// write system call per client and no goroutine switch.
type connSink struct {
	conn net.Conn
	raw  syscall.RawConn
}

func newConnSink(conn net.Conn) (*connSink, error) {
	sc, ok := conn.(syscall.Conn)
	if !ok {
		return nil, fmt.Errorf("hijacked connection %T has no file descriptor", conn)
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return nil, fmt.Errorf("hijacked connection: %w", err)
	}
	return &connSink{conn: conn, raw: raw}, nil
}

func (s *connSink) tryWrite(b []byte) (int, error) {
	written := 0
	var werr error
	err := s.raw.Write(func(fd uintptr) bool {
		for written < len(b) {
			n, err := syscall.Write(int(fd), b[written:])
			switch {
			case err == syscall.EINTR:
				continue
			case err == syscall.EAGAIN || (err == nil && n <= 0):
				werr = errWouldBlock
				return true
			case err != nil:
				werr = err
				return true
			}
			written += n
		}
		return true // never wait for writability here
	})
	if err != nil {
		return written, err
	}
	return written, werr
}

func (s *connSink) write(b []byte, deadline time.Time) error {
	if err := s.conn.SetWriteDeadline(deadline); err != nil {
		return err
	}
	if _, err := s.conn.Write(b); err != nil {
		return err
	}
	// An expired deadline would also fail the non-blocking writes of fast mode.
	return s.conn.SetWriteDeadline(time.Time{})
}

func (s *connSink) probe() bool {
	var buf [64]byte
	closed := false
	_ = s.raw.Read(func(fd uintptr) bool {
		for {
			n, err := syscall.Read(int(fd), buf[:])
			switch {
			case err == syscall.EINTR:
				continue
			case err == syscall.EAGAIN:
			case err != nil || n == 0:
				closed = true
			default:
				continue // the client sent bytes; SSE clients have nothing to say, drop them
			}
			return true
		}
	})
	return closed
}

func (s *connSink) detached() bool { return true }
func (s *connSink) close()         { _ = s.conn.Close() }

// responseSink writes through http.ResponseWriter, for connections that
// cannot be hijacked (HTTP/2). Its stream keeps its handler goroutine and
// always writes blocking, with a deadline.
type responseSink struct {
	w  http.ResponseWriter
	rc *http.ResponseController
}

func (s *responseSink) tryWrite([]byte) (int, error) { return 0, errWouldBlock }

func (s *responseSink) write(b []byte, deadline time.Time) error {
	_ = s.rc.SetWriteDeadline(deadline)
	if _, err := s.w.Write(b); err != nil {
		return err
	}
	return s.rc.Flush()
}

func (s *responseSink) probe() bool    { return false } // the request context reports a gone client
func (s *responseSink) detached() bool { return false }
func (s *responseSink) close()         {}
