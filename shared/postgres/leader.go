package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// SimulatorLockKey is the advisory lock that makes one worker the simulator.
const SimulatorLockKey int64 = 0x6175746f6e6f6d65 // "autonome"

// Leadership is a held session-level advisory lock on a dedicated
// connection. Lost is closed if that connection stops answering: the lock
// may then be someone else's, so the holder must stop acting as leader.
type Leadership struct {
	conn *pgxpool.Conn
	key  int64
	lost chan struct{}
	stop chan struct{}
	done chan struct{}
}

// AcquireLeadership blocks until it holds the advisory lock key, retrying
// every poll (calling waiting once, the first time the lock is busy), or ctx
// ends. Use it so that a second worker started by mistake waits instead of
// trading too.
func AcquireLeadership(ctx context.Context, pool *pgxpool.Pool, key int64, poll time.Duration, waiting func()) (*Leadership, error) {
	warned := false
	for {
		conn, err := pool.Acquire(ctx)
		if err == nil {
			var got bool
			err = conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, key).Scan(&got)
			if err == nil && got {
				l := &Leadership{conn: conn, key: key, lost: make(chan struct{}), stop: make(chan struct{}), done: make(chan struct{})}
				go l.watch(poll)
				return l, nil
			}
			conn.Release()
		}
		if err == nil && !warned && waiting != nil {
			warned = true
			waiting()
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("acquire leadership: %w", ctx.Err())
		case <-time.After(poll):
		}
	}
}

// Lost is closed when the lock can no longer be vouched for.
func (l *Leadership) Lost() <-chan struct{} { return l.lost }

func (l *Leadership) watch(poll time.Duration) {
	defer close(l.done)
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), poll)
			err := l.conn.Ping(ctx)
			cancel()
			if err != nil {
				close(l.lost)
				return
			}
		}
	}
}

// Release gives the lock up and returns the connection.
func (l *Leadership) Release() {
	close(l.stop)
	<-l.done
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := l.conn.Exec(ctx, `SELECT pg_advisory_unlock($1)`, l.key); err != nil {
		// The connection is broken; closing it frees the lock server-side.
		_ = l.conn.Conn().Close(ctx)
	}
	l.conn.Release()
}
