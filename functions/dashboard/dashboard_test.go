package dashboard

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func get(t *testing.T, h http.Handler, method, target string, header map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, target, nil)
	for k, v := range header {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

var assetRef = regexp.MustCompile(`(?:href|src)="(assets/[0-9a-f]{12}/[^"]+)"`)

func TestIndex(t *testing.T) {
	h := Handler(Options{APIBase: "https://api.example.com/", SSEBase: "https://relay.example.com:8443/sse", Title: `Arena "<b>&</b>"`})
	for _, path := range []string{"/", "/index.html"} {
		w := get(t, h, "GET", path, nil)
		if w.Code != http.StatusOK {
			t.Fatalf("GET %s: %d", path, w.Code)
		}
		hd := w.Header()
		for k, want := range map[string]string{
			"Content-Type":           "text/html; charset=utf-8",
			"Cache-Control":          "no-cache",
			"X-Content-Type-Options": "nosniff",
			"X-Frame-Options":        "DENY",
		} {
			if got := hd.Get(k); got != want {
				t.Errorf("GET %s: %s = %q, want %q", path, k, got, want)
			}
		}
		csp := hd.Get("Content-Security-Policy")
		for _, want := range []string{"script-src 'self'", "connect-src 'self' https://api.example.com https://relay.example.com:8443", "frame-ancestors 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("CSP %q lacks %q", csp, want)
			}
		}
		body := w.Body.String()
		if !strings.Contains(body, `<title>Arena &#34;&lt;b&gt;&amp;&lt;/b&gt;&#34;</title>`) {
			t.Errorf("title not escaped in the shell:\n%s", body)
		}
		if strings.Contains(body, "<b>") {
			t.Errorf("raw title markup in the shell")
		}
		for _, want := range []string{`data-testid="sse-status"`, `data-testid="model-filter"`, `type="module"`, `href="config.js"`} {
			if !strings.Contains(body, want) {
				t.Errorf("shell lacks %s", want)
			}
		}
	}
}

// Every asset the shell references is served, with its type and an
// immutable cache lifetime; modulepreload lists every module.
func TestShellReferencesServedAssets(t *testing.T) {
	h := Handler(Options{})
	body := get(t, h, "GET", "/", nil).Body.String()
	refs := assetRef.FindAllStringSubmatch(body, -1)
	modules := 0
	for _, m := range refs {
		w := get(t, h, "GET", "/"+m[1], nil)
		if w.Code != http.StatusOK {
			t.Errorf("GET /%s: %d", m[1], w.Code)
			continue
		}
		if cc := w.Header().Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
			t.Errorf("GET /%s: Cache-Control %q", m[1], cc)
		}
		if strings.HasSuffix(m[1], ".js") {
			modules++
			if ct := w.Header().Get("Content-Type"); ct != "text/javascript; charset=utf-8" {
				t.Errorf("GET /%s: Content-Type %q", m[1], ct)
			}
		}
	}
	if want := len(mustLoadAssets().modules); modules != want {
		t.Errorf("shell references %d modules, embedded %d", modules, want)
	}
}

func TestContentTypes(t *testing.T) {
	h := Handler(Options{})
	v := mustLoadAssets().version
	for path, want := range map[string]string{
		"/assets/" + v + "/app.js":         "text/javascript; charset=utf-8",
		"/assets/" + v + "/pages/arena.js": "text/javascript; charset=utf-8",
		"/assets/" + v + "/app.css":        "text/css; charset=utf-8",
		"/assets/" + v + "/favicon.svg":    "image/svg+xml",
		"/config.js":                       "text/javascript; charset=utf-8",
		"/":                                "text/html; charset=utf-8",
	} {
		w := get(t, h, "GET", path, nil)
		if w.Code != http.StatusOK || w.Header().Get("Content-Type") != want {
			t.Errorf("GET %s: %d %q, want 200 %q", path, w.Code, w.Header().Get("Content-Type"), want)
		}
		if w.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s: no nosniff", path)
		}
	}
}

// configValues evaluates what /config.js exports, reading the object
// literal as JSON (it is JSON by construction).
func configValues(t *testing.T, body string) map[string]string {
	t.Helper()
	const prefix, suffix = "export default Object.freeze(", ");\n"
	i := strings.Index(body, prefix)
	if i < 0 || !strings.HasSuffix(body, suffix) {
		t.Fatalf("config.js has an unexpected shape:\n%s", body)
	}
	var m map[string]string
	if err := json.Unmarshal([]byte(body[i+len(prefix):len(body)-len(suffix)]), &m); err != nil {
		t.Fatalf("config.js object is not JSON: %v\n%s", err, body)
	}
	return m
}

func TestConfig(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		want map[string]string
	}{
		{"defaults", Options{}, map[string]string{"apiBase": "", "sseBase": "", "title": DefaultTitle}},
		{"trimmed", Options{APIBase: " https://api.example.com/ ", SSEBase: "https://relay.example.com//", Title: "  Prod  "},
			map[string]string{"apiBase": "https://api.example.com", "sseBase": "https://relay.example.com", "title": "Prod"}},
		{"path base", Options{APIBase: "/backend/", SSEBase: "/relay"}, map[string]string{"apiBase": "/backend", "sseBase": "/relay", "title": DefaultTitle}},
		{"hostile", Options{
			APIBase: "https://x.example/\"};alert(1);x=",
			SSEBase: "</script><script>alert(1)</script>",
			Title:   "'\"`${alert(1)}`\\\u2028\u2029<!--",
		}, map[string]string{
			"apiBase": "https://x.example/\"};alert(1);x=",
			"sseBase": "</script><script>alert(1)</script>",
			"title":   "'\"`${alert(1)}`\\\u2028\u2029<!--",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := get(t, Handler(tt.opts), "GET", "/config.js", nil)
			if w.Code != http.StatusOK || w.Header().Get("Cache-Control") != "no-cache" || w.Header().Get("ETag") == "" {
				t.Fatalf("GET /config.js: %d, headers %v", w.Code, w.Header())
			}
			body := w.Body.String()
			got := configValues(t, body)
			if got["version"] != mustLoadAssets().version {
				t.Errorf("version = %q, want %q", got["version"], mustLoadAssets().version)
			}
			delete(got, "version")
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("config values (-want +got):\n%s", diff)
			}
			// Nothing in the literal can end a script, open markup or a
			// line terminator inside a string.
			for _, bad := range []string{"<", ">", "\u2028", "\u2029"} {
				if strings.Contains(body[strings.Index(body, "("):], bad) {
					t.Errorf("config.js contains raw %q:\n%s", bad, body)
				}
			}
		})
	}
}

func TestConditionalAndGzip(t *testing.T) {
	h := Handler(Options{})
	path := "/assets/" + mustLoadAssets().version + "/app.js"
	plain := get(t, h, "GET", path, nil)
	etag := plain.Header().Get("ETag")
	if etag == "" || plain.Header().Get("Content-Encoding") != "" {
		t.Fatalf("plain GET: ETag %q, Content-Encoding %q", etag, plain.Header().Get("Content-Encoding"))
	}
	if w := get(t, h, "GET", path, map[string]string{"If-None-Match": etag}); w.Code != http.StatusNotModified {
		t.Errorf("If-None-Match: %d, want 304", w.Code)
	}

	gz := get(t, h, "GET", path, map[string]string{"Accept-Encoding": "br, gzip;q=0.8"})
	if gz.Header().Get("Content-Encoding") != "gzip" || gz.Header().Get("ETag") == etag || !strings.Contains(gz.Header().Get("Vary"), "Accept-Encoding") {
		t.Fatalf("gzip GET: headers %v", gz.Header())
	}
	zr, err := gzip.NewReader(gz.Body)
	if err != nil {
		t.Fatal(err)
	}
	unzipped, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(unzipped, plain.Body.Bytes()) {
		t.Error("gzip body does not decompress to the plain body")
	}
	if w := get(t, h, "GET", path, map[string]string{"Accept-Encoding": "gzip;q=0"}); w.Header().Get("Content-Encoding") != "" {
		t.Error("gzip;q=0 still got gzip")
	}

	head := get(t, h, "HEAD", path, nil)
	if head.Code != http.StatusOK || head.Body.Len() != 0 || head.Header().Get("Content-Length") != plain.Header().Get("Content-Length") {
		t.Errorf("HEAD: %d, %d body bytes, Content-Length %q", head.Code, head.Body.Len(), head.Header().Get("Content-Length"))
	}
}

func TestAcceptsGzip(t *testing.T) {
	for header, want := range map[string]bool{
		"":                     false,
		"gzip":                 true,
		"GZIP":                 true,
		"deflate, gzip":        true,
		"br;q=1.0, gzip;q=0.5": true,
		"gzip;q=0":             false,
		"gzip; q=0.000":        false,
		"gzip;q=0.001":         true,
		"*":                    true,
		"*;q=0":                false,
		"*, gzip;q=0":          false,
		"identity":             false,
		"x-gzip":               true,
		"br":                   false,
	} {
		if got := acceptsGzip(header); got != want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", header, got, want)
		}
	}
}

// A page loaded before a deploy asks for its old version; it still gets the
// file, but not as immutable.
func TestStaleAssetVersion(t *testing.T) {
	w := get(t, Handler(Options{}), "GET", "/assets/000000000000/app.js", nil)
	if w.Code != http.StatusOK || w.Header().Get("Cache-Control") != "no-cache" {
		t.Errorf("stale version: %d, Cache-Control %q", w.Code, w.Header().Get("Cache-Control"))
	}
}

func TestUnknownPathsAndMethods(t *testing.T) {
	h := Handler(Options{})
	v := mustLoadAssets().version
	for _, path := range []string{"/nope", "/assets/", "/assets/" + v + "/", "/assets/" + v + "/missing.js",
		"/static/app.js", "/app.js", "/config.json", "/index.html/x", "/api/rpc/trading/getTrades"} {
		if w := get(t, h, "GET", path, nil); w.Code != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, w.Code)
		}
	}
	// Dot segments are cleaned (and redirected) by ServeMux; nothing outside
	// the embedded tree is ever served.
	for _, path := range []string{"/assets/" + v + "/../dashboard.go", "/assets/" + v + "/%2e%2e/render.go", "/assets/" + v + "/pages/../../index.html.tmpl"} {
		if w := get(t, h, "GET", path, nil); w.Code == http.StatusOK {
			t.Errorf("GET %s: 200 with %q", path, w.Body.String()[:min(80, w.Body.Len())])
		}
	}
	for _, path := range []string{"/", "/config.js", "/assets/" + v + "/app.js"} {
		w := get(t, h, "POST", path, nil)
		if w.Code != http.StatusMethodNotAllowed || !strings.Contains(w.Header().Get("Allow"), "GET") {
			t.Errorf("POST %s: %d, Allow %q; want 405 allowing GET", path, w.Code, w.Header().Get("Allow"))
		}
	}
}

// The handler works under a prefix: every URL in the shell is relative.
func TestMountedUnderPrefix(t *testing.T) {
	mux := http.NewServeMux()
	mux.Handle("/prod/", http.StripPrefix("/prod", Handler(Options{})))
	body := get(t, mux, "GET", "/prod/", nil).Body.String()
	for _, m := range assetRef.FindAllStringSubmatch(body, -1) {
		if w := get(t, mux, "GET", "/prod/"+m[1], nil); w.Code != http.StatusOK {
			t.Errorf("GET /prod/%s: %d", m[1], w.Code)
		}
	}
	if w := get(t, mux, "GET", "/prod/config.js", nil); w.Code != http.StatusOK {
		t.Errorf("GET /prod/config.js: %d", w.Code)
	}
	if strings.Contains(body, `="/`) {
		t.Errorf("shell has an absolute URL:\n%s", body)
	}
}

func TestValidate(t *testing.T) {
	for _, tt := range []struct {
		opts Options
		ok   bool
	}{
		{Options{}, true},
		{Options{APIBase: "https://api.example.com", SSEBase: "http://127.0.0.1:8081/"}, true},
		{Options{APIBase: "/backend"}, true},
		{Options{APIBase: "javascript:alert(1)"}, false},
		{Options{APIBase: "ftp://x.example"}, false},
		{Options{APIBase: "api.example.com"}, false},
		{Options{APIBase: "//api.example.com"}, false},
		{Options{SSEBase: "https://relay.example.com/?x=1"}, false},
		{Options{SSEBase: "https://relay.example.com/#x"}, false},
		{Options{SSEBase: "https://user:pw@relay.example.com"}, false},
		{Options{SSEBase: "https://"}, false},
	} {
		if err := tt.opts.Validate(); (err == nil) != tt.ok {
			t.Errorf("Validate(%+v) = %v, want ok=%v", tt.opts, err, tt.ok)
		}
	}
}

func TestCSPIgnoresUnusableBases(t *testing.T) {
	csp := contentSecurityPolicy(Options{APIBase: "/backend", SSEBase: "https://r.example; script-src *"}.normalized())
	if !strings.Contains(csp, "connect-src 'self';") {
		t.Errorf("CSP %q: want connect-src 'self' only", csp)
	}
}
