package lighter

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/worker/internal/marketdata"
)

const (
	dialTimeout  = 15 * time.Second
	writeTimeout = 5 * time.Second
	// readLimit bounds one stream message; a full-depth book snapshot of a
	// busy market is a few hundred KB.
	readLimit = 32 << 20
)

var errIdle = errors.New("stream idle")

// session runs one WebSocket connection: subscribe to every market, then
// deliver messages until the connection fails, the context ends or the sink
// fails. healthy reports whether a book snapshot arrived (the connection
// worked), which resets the reconnect backoff.
func (f *Feed) session(ctx context.Context, sink marketdata.Sink, byID map[int64]arena.Market, resume bool) (healthy bool, err error) {
	dctx, cancel := context.WithTimeout(ctx, dialTimeout)
	conn, _, err := websocket.Dial(dctx, f.cfg.StreamURL, nil)
	cancel()
	if err != nil {
		return false, fmt.Errorf("dial %s: %w", f.cfg.StreamURL, err)
	}
	defer conn.CloseNow()
	conn.SetReadLimit(readLimit)

	sctx, stop := context.WithCancelCause(ctx)
	var lastRead atomic.Int64
	lastRead.Store(time.Now().UnixNano())
	var wg sync.WaitGroup
	wg.Go(func() { f.keepalive(sctx, conn, &lastRead, stop) })
	defer func() {
		stop(nil)
		wg.Wait()
	}()

	h := &handler{
		byID: byID, books: make(map[int64]*bookSync, len(byID)), trades: f.tradeMarks, resume: resume,
		send: func(ctx context.Context, v any) error { return writeJSON(ctx, conn, v) },
		hist: f.hist, log: f.cfg.Logger, now: f.cfg.Now, resyncIn: f.cfg.ResyncTimeout,
	}
	if err := h.subscribeAll(sctx); err != nil {
		return false, err
	}
	var buf bytes.Buffer
	for {
		if err := readMessage(sctx, conn, &buf); err != nil {
			if cause := context.Cause(sctx); cause != nil && ctx.Err() == nil {
				err = cause
			}
			return h.healthy, fmt.Errorf("read: %w", err)
		}
		lastRead.Store(time.Now().UnixNano())
		if err := h.handle(sctx, buf.Bytes(), sink); err != nil {
			return h.healthy, err
		}
	}
}

func readMessage(ctx context.Context, conn *websocket.Conn, buf *bytes.Buffer) error {
	_, r, err := conn.Reader(ctx)
	if err != nil {
		return err
	}
	buf.Reset()
	_, err = buf.ReadFrom(r)
	return err
}

func writeJSON(ctx context.Context, conn *websocket.Conn, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, writeTimeout)
	defer cancel()
	return conn.Write(ctx, websocket.MessageText, b)
}

// keepalive sends a ping message every PingInterval and ends the session
// when nothing has been read for ReadTimeout.
func (f *Feed) keepalive(ctx context.Context, conn *websocket.Conn, lastRead *atomic.Int64, stop context.CancelCauseFunc) {
	period := min(f.cfg.PingInterval, f.cfg.ReadTimeout) / 4
	t := time.NewTicker(max(period, 10*time.Millisecond))
	defer t.Stop()
	lastPing := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			if idle := now.Sub(time.Unix(0, lastRead.Load())); idle > f.cfg.ReadTimeout {
				stop(fmt.Errorf("%w for %v", errIdle, idle.Round(time.Millisecond)))
				return
			}
			if now.Sub(lastPing) >= f.cfg.PingInterval {
				lastPing = now
				if err := writeJSON(ctx, conn, outbound{Type: msgPing}); err != nil {
					stop(fmt.Errorf("send ping: %w", err))
					return
				}
			}
		}
	}
}
