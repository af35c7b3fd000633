// Package dashboard serves the browser dashboard of the arena: a handful of
// plain ES modules, one stylesheet and an HTML shell, embedded in the binary
// so the same handler runs under `make run`, in a Lambda function or behind
// any reverse proxy. There is no build step.
//
// The page talks to two backends whose addresses are configuration: the oRPC
// API (POST {APIBase}/api/rpc/...) and the SSE relay
// ({SSEBase}/api/events/...). The handler renders them into /config.js and
// into the Content-Security-Policy of the page.
//
// Caching: the shell (/, /index.html) and /config.js are revalidated on every
// load (ETag, no-cache); everything else lives under /assets/{version}/,
// where version is a hash of all embedded assets, and is cached as immutable.
// Relative imports between modules resolve inside the same versioned folder,
// so a deploy never mixes old and new modules.
package dashboard

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// DefaultTitle is shown when Options.Title is empty.
const DefaultTitle = "Autonome Arena"

// Options configures the dashboard.
type Options struct {
	// APIBase is where the oRPC API lives, for example
	// "https://api.example.com" or "/backend". The page posts to
	// APIBase + "/api/rpc/{namespace}/{procedure}". Empty means the origin
	// that served the page.
	APIBase string
	// SSEBase is where the SSE relay lives; the page opens
	// SSEBase + "/api/events/{channel}". Empty means the origin that served
	// the page.
	SSEBase string
	// Title names the deployment in the header and the browser tab.
	// Empty means DefaultTitle.
	Title string
}

// Validate reports options the page could not use: a base must be empty, an
// absolute http(s) URL without query or fragment, or an absolute path.
func (o Options) Validate() error {
	for _, f := range []struct{ name, v string }{{"APIBase", o.APIBase}, {"SSEBase", o.SSEBase}} {
		if err := validateBase(strings.TrimSpace(f.v)); err != nil {
			return fmt.Errorf("dashboard: %s %q: %w", f.name, f.v, err)
		}
	}
	return nil
}

func validateBase(v string) error {
	if v == "" {
		return nil
	}
	u, err := url.Parse(v)
	if err != nil {
		return err
	}
	switch {
	case u.RawQuery != "" || u.Fragment != "" || strings.ContainsAny(v, "?#"):
		return fmt.Errorf("must not have a query or fragment")
	case u.Scheme == "" && u.Host == "" && strings.HasPrefix(u.Path, "/") && !strings.HasPrefix(u.Path, "//"):
		return nil
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("must be an http(s) URL or an absolute path")
	case u.Host == "":
		return fmt.Errorf("has no host")
	case u.User != nil:
		return fmt.Errorf("must not carry credentials")
	}
	return nil
}

// normalized trims the options into the form the page expects: no
// surrounding space, no trailing slash on the bases, a non-empty title.
func (o Options) normalized() Options {
	o.APIBase = strings.TrimRight(strings.TrimSpace(o.APIBase), "/")
	o.SSEBase = strings.TrimRight(strings.TrimSpace(o.SSEBase), "/")
	o.Title = strings.TrimSpace(o.Title)
	if o.Title == "" {
		o.Title = DefaultTitle
	}
	return o
}

// Handler returns the dashboard. It answers GET and HEAD for "/",
// "/index.html", "/config.js" and "/assets/{version}/{file}", 405 for other
// methods on those paths and 404 for anything else. Mount it at the root, or
// under a prefix with http.StripPrefix: every URL in the page is relative.
//
// Options are not validated here (call Validate at start-up); whatever they
// hold is escaped wherever it is written.
func Handler(opts Options) http.Handler {
	opts = opts.normalized()
	a := mustLoadAssets()
	index := renderIndex(opts, a)
	config := newBlob("config.js", renderConfig(opts))
	csp := contentSecurityPolicy(opts)

	mux := http.NewServeMux()
	serveIndex := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", csp)
		w.Header().Set("X-Frame-Options", "DENY")
		w.Header().Set("Referrer-Policy", "no-referrer")
		index.serve(w, r, cacheRevalidate)
	}
	mux.HandleFunc("GET /{$}", serveIndex)
	mux.HandleFunc("GET /index.html", serveIndex)
	mux.HandleFunc("GET /config.js", func(w http.ResponseWriter, r *http.Request) {
		config.serve(w, r, cacheRevalidate)
	})
	mux.HandleFunc("GET /assets/{version}/{file...}", a.serve)
	return mux
}
