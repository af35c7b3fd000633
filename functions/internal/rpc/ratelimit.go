package rpc

import (
	"container/list"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/autonome-go/autonome/shared/arena"
	"github.com/autonome-go/autonome/shared/clientaddr"
)

// limiter is a token bucket per client address. The set of buckets is
// bounded: beyond max addresses the least recently seen is forgotten (it
// starts again with a full bucket, which only ever errs on the side of
// serving). In Lambda each execution environment limits on its own; API
// Gateway's throttling is the global bound.
type limiter struct {
	mu      sync.Mutex
	every   rate.Limit
	burst   int
	max     int
	addrs   *clientaddr.Resolver
	now     func() time.Time
	clients map[string]*list.Element // of *client
	recent  *list.List               // most recently seen first
}

type client struct {
	addr string
	lim  *rate.Limiter
}

func newLimiter(perSecond float64, burst, max int, addrs *clientaddr.Resolver, now func() time.Time) *limiter {
	if burst <= 0 {
		burst = int(math.Ceil(perSecond))
	}
	if max <= 0 {
		max = 10_000
	}
	return &limiter{every: rate.Limit(perSecond), burst: burst, max: max, addrs: addrs, now: now,
		clients: map[string]*list.Element{}, recent: list.New()}
}

// allow takes a token for addr, or reports how long until one is available.
func (l *limiter) allow(addr string) (bool, time.Duration) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	var c *client
	if e, ok := l.clients[addr]; ok {
		l.recent.MoveToFront(e)
		c = e.Value.(*client)
	} else {
		c = &client{addr: addr, lim: rate.NewLimiter(l.every, l.burst)}
		l.clients[addr] = l.recent.PushFront(c)
		for l.recent.Len() > l.max {
			oldest := l.recent.Back()
			l.recent.Remove(oldest)
			delete(l.clients, oldest.Value.(*client).addr)
		}
	}
	if c.lim.AllowN(now, 1) {
		return true, 0
	}
	missing := 1 - c.lim.TokensAt(now)
	return false, time.Duration(missing / float64(l.every) * float64(time.Second))
}

func (l *limiter) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ok, wait := l.allow(clientAddr(r, l.addrs))
		if !ok {
			secs := int(math.Ceil(wait.Seconds()))
			w.Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
			writeErr(w, arena.Errorf(arena.CodeRateLimited, "too many requests from this address; retry in %d s", max(secs, 1)))
			return
		}
		next.ServeHTTP(w, r)
	})
}
