package llm

import "sync/atomic"

// keyRing hands out API keys round-robin, so a provider's several keys
// share the load and a retry after a rate limit uses the next key.
type keyRing struct {
	keys []string
	next atomic.Uint64
}

func (r *keyRing) pick() string {
	if len(r.keys) == 0 {
		return ""
	}
	i := r.next.Add(1) - 1
	return r.keys[i%uint64(len(r.keys))]
}
