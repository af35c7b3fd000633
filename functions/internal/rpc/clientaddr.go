package rpc

import (
	"net/http"

	"github.com/awslabs/aws-lambda-go-api-proxy/core"

	"github.com/autonome-go/autonome/shared/clientaddr"
)

// clientAddr returns the address a request is attributed to for rate
// limiting. Inside Lambda it is the source IP API Gateway (or the function
// URL) saw, from the request context the adapter attaches; otherwise it is
// what shared/clientaddr resolves (the peer, or behind a trusted proxy the
// client that proxy named).
func clientAddr(r *http.Request, addrs *clientaddr.Resolver) string {
	if rc, ok := core.GetAPIGatewayV2ContextFromContext(r.Context()); ok && rc.HTTP.SourceIP != "" {
		return rc.HTTP.SourceIP
	}
	return addrs.Addr(r)
}
