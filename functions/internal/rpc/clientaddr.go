package rpc

import (
	"net"
	"net/http"
	"strings"

	"github.com/awslabs/aws-lambda-go-api-proxy/core"
)

// clientAddr returns the address a request is attributed to for rate
// limiting. Inside Lambda it is the source IP API Gateway (or the function
// URL) saw, from the request context the adapter attaches. Behind a trusted
// proxy it is the last X-Forwarded-For entry: the one that proxy appended,
// which the client cannot forge (entries to its left can be). Otherwise it
// is the TCP peer.
func clientAddr(r *http.Request, trustProxy bool) string {
	if rc, ok := core.GetAPIGatewayV2ContextFromContext(r.Context()); ok && rc.HTTP.SourceIP != "" {
		return rc.HTTP.SourceIP
	}
	if trustProxy {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			last := xff[len(xff)-1]
			if i := strings.LastIndexByte(last, ','); i >= 0 {
				last = last[i+1:]
			}
			if ip := strings.TrimSpace(last); ip != "" {
				return ip
			}
		}
	}
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return host
	}
	return r.RemoteAddr
}
