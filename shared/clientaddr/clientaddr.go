// Package clientaddr tells which address a request came from, for limits
// kept per client (the API's rate limit, the relay's streams per address).
//
// Behind a proxy every connection comes from the proxy, and the client's
// address travels in X-Forwarded-For, a header any client can also write.
// So the header is believed only when the connection comes from one of the
// configured proxies (TRUSTED_PROXIES, a list of CIDRs), and it is read
// from the right, skipping the hops that are trusted proxies themselves:
// the first address that is not one is the client, whatever the client
// wrote to its left. From any other peer the answer is the peer's address.
package clientaddr

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Resolver finds a request's client address. A nil or zero Resolver trusts
// no proxy: the address is always the connection's peer.
type Resolver struct {
	trusted []netip.Prefix
}

// New returns a resolver trusting the proxies in cidrs: each a CIDR
// ("10.0.0.0/8") or a single address ("127.0.0.1"); blank entries are
// ignored.
func New(cidrs []string) (*Resolver, error) {
	r := &Resolver{}
	for _, c := range cidrs {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		p, err := parsePrefix(c)
		if err != nil {
			return nil, err
		}
		r.trusted = append(r.trusted, p)
	}
	return r, nil
}

func parsePrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("%q is not a CIDR such as 10.0.0.0/8 or 127.0.0.1/32", s)
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q is not a CIDR such as 10.0.0.0/8 or 127.0.0.1/32", s)
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// Trusts reports whether addr is one of the trusted proxies.
func (r *Resolver) Trusts(addr netip.Addr) bool {
	if r == nil {
		return false
	}
	addr = addr.Unmap()
	for _, p := range r.trusted {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// Addr returns the client address of req: the peer's, or behind trusted
// proxies the rightmost X-Forwarded-For entry that is not a trusted proxy
// (the leftmost entry when every hop is one). An entry that is not an
// address ends the walk at the hop to its right, which wrote it.
func (r *Resolver) Addr(req *http.Request) string {
	peer, ok := parseHost(req.RemoteAddr)
	if !ok {
		return req.RemoteAddr
	}
	if !r.Trusts(peer) {
		return peer.String()
	}
	client := peer
	hops := forwardedFor(req.Header)
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(hops[i])
		if err != nil {
			break
		}
		client = a.Unmap()
		if !r.Trusts(client) {
			break
		}
	}
	return client.String()
}

// forwardedFor lists every X-Forwarded-For entry, left to right, across
// repeated header lines.
func forwardedFor(h http.Header) []string {
	var out []string
	for _, line := range h.Values("X-Forwarded-For") {
		for _, e := range strings.Split(line, ",") {
			out = append(out, strings.TrimSpace(e))
		}
	}
	return out
}

// parseHost reads the address of a "host:port" (or a bare host).
func parseHost(hostport string) (netip.Addr, bool) {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap().WithZone(""), true
}
