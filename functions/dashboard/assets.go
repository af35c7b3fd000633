package dashboard

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

//go:embed static
var staticFS embed.FS

// Cache-Control values. Versioned assets never change under their URL; the
// shell and the config are small and must pick up a deploy at once.
const (
	cacheImmutable  = "public, max-age=31536000, immutable"
	cacheRevalidate = "no-cache"
)

// contentTypes is explicit rather than taken from the system MIME table:
// browsers refuse ES modules served with anything but a JavaScript type.
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".svg":  "image/svg+xml",
	".json": "application/json",
	".png":  "image/png",
	".ico":  "image/x-icon",
	".txt":  "text/plain; charset=utf-8",
}

// blob is one response body, prepared once: its type, a strong ETag and,
// when it pays, a gzip rendition.
type blob struct {
	name        string
	contentType string
	body        []byte
	gz          []byte
	etag        string
}

func newBlob(name string, body []byte) *blob {
	sum := sha256.Sum256(body)
	b := &blob{
		name:        name,
		contentType: contentTypes[path.Ext(name)],
		body:        body,
		etag:        `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`,
	}
	if b.contentType == "" {
		b.contentType = "application/octet-stream"
	}
	if gz := gzipped(body); len(gz) < len(body)*9/10 {
		b.gz = gz
	}
	return b
}

func gzipped(body []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	_, _ = zw.Write(body)
	_ = zw.Close()
	return buf.Bytes()
}

// serve writes b, honouring conditional requests, HEAD and Accept-Encoding.
func (b *blob) serve(w http.ResponseWriter, r *http.Request, cacheControl string) {
	h := w.Header()
	h.Set("Content-Type", b.contentType)
	h.Set("Cache-Control", cacheControl)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Add("Vary", "Accept-Encoding")
	body, etag := b.body, b.etag
	if b.gz != nil && acceptsGzip(r.Header.Get("Accept-Encoding")) {
		body, etag = b.gz, strings.TrimSuffix(b.etag, `"`)+`-gz"`
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("ETag", etag)
	http.ServeContent(w, r, b.name, time.Time{}, bytes.NewReader(body))
}

// acceptsGzip reports whether an Accept-Encoding header allows gzip: gzip
// listed with a non-zero q, or failing that a wildcard with a non-zero q.
func acceptsGzip(header string) bool {
	gzipQ, starQ := -1.0, -1.0
	for part := range strings.SplitSeq(header, ",") {
		coding, params, _ := strings.Cut(part, ";")
		q := 1.0
		for p := range strings.SplitSeq(params, ";") {
			k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
			if strings.EqualFold(k, "q") {
				if f, err := strconv.ParseFloat(v, 64); err == nil {
					q = f
				}
			}
		}
		switch strings.ToLower(strings.TrimSpace(coding)) {
		case "gzip", "x-gzip":
			gzipQ = q
		case "*":
			starQ = q
		}
	}
	if gzipQ >= 0 {
		return gzipQ > 0
	}
	return starQ > 0
}

// assets is the embedded static tree keyed by slash path ("js/app.js").
type assets struct {
	version string
	files   map[string]*blob
	modules []string // every .js path, sorted, for modulepreload hints
}

var (
	loadOnce   sync.Once
	loaded     *assets
	errLoading error
)

// mustLoadAssets reads the embedded tree once per process. A failure means
// the binary was built without its files, which no request can recover from.
func mustLoadAssets() *assets {
	loadOnce.Do(func() { loaded, errLoading = loadAssets(staticFS, "static") })
	if errLoading != nil {
		panic("dashboard: load embedded assets: " + errLoading.Error())
	}
	return loaded
}

func loadAssets(fsys fs.FS, root string) (*assets, error) {
	a := &assets{files: map[string]*blob{}}
	h := sha256.New()
	err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(p, root+"/")
		a.files[rel] = newBlob(rel, body)
		if strings.HasSuffix(rel, ".js") {
			a.modules = append(a.modules, rel)
		}
		h.Write([]byte(rel + "\x00"))
		h.Write(body)
		h.Write([]byte{0})
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(a.modules)
	a.version = hex.EncodeToString(h.Sum(nil))[:12]
	return a, nil
}

// url is the path of an asset relative to the page.
func (a *assets) url(rel string) string { return "assets/" + a.version + "/" + rel }

// serve answers /assets/{version}/{file...}. A stale version (a page loaded
// before a deploy) still gets the current file, but not cached, so the next
// load of the shell brings the page back onto one version.
func (a *assets) serve(w http.ResponseWriter, r *http.Request) {
	b, ok := a.files[r.PathValue("file")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	cc := cacheImmutable
	if r.PathValue("version") != a.version {
		cc = cacheRevalidate
	}
	b.serve(w, r, cc)
}
