package chat

import (
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// perClient limits answers per client address with a token bucket each.
// The set is bounded: past maxClients addresses it starts afresh, which
// only ever errs on the side of serving. In Lambda each execution
// environment limits on its own; the daily token budget is global.
type perClient struct {
	mu      sync.Mutex
	every   rate.Limit
	burst   int
	now     func() time.Time
	clients map[string]*rate.Limiter
}

const maxClients = 10_000

func newPerClient(perMinute float64, burst int, now func() time.Time) *perClient {
	return &perClient{every: rate.Limit(perMinute / 60), burst: burst, now: now, clients: map[string]*rate.Limiter{}}
}

// allow takes a token for addr, or says how many seconds until one is free.
func (p *perClient) allow(addr string) (bool, int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	l := p.clients[addr]
	if l == nil {
		if len(p.clients) >= maxClients {
			clear(p.clients)
		}
		l = rate.NewLimiter(p.every, p.burst)
		p.clients[addr] = l
	}
	now := p.now()
	if l.AllowN(now, 1) {
		return true, 0
	}
	wait := (1 - l.TokensAt(now)) / float64(p.every)
	return false, max(1, int(math.Ceil(wait)))
}
