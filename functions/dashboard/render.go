package dashboard

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"html/template"
	"net/url"
	"strings"
)

//go:embed index.html.tmpl
var indexTemplate string

var indexTmpl = template.Must(template.New("index").Parse(indexTemplate))

// pageConfig is what /config.js exports; the field names are the page's.
type pageConfig struct {
	APIBase string `json:"apiBase"`
	SSEBase string `json:"sseBase"`
	Title   string `json:"title"`
	Version string `json:"version"`
}

// renderConfig writes the options as an ES module. encoding/json escapes <,
// >, &, U+2028 and U+2029, so no option value can end the script, open markup
// or break the JavaScript string it lands in.
func renderConfig(o Options) []byte {
	cfg, err := json.Marshal(pageConfig{APIBase: o.APIBase, SSEBase: o.SSEBase, Title: o.Title, Version: mustLoadAssets().version})
	if err != nil {
		panic("dashboard: marshal config: " + err.Error()) // strings always marshal
	}
	var b bytes.Buffer
	b.WriteString("// Rendered by the dashboard handler from its options.\n")
	b.WriteString("export default Object.freeze(")
	b.Write(cfg)
	b.WriteString(");\n")
	return b.Bytes()
}

type indexData struct {
	Title   string
	Version string
	CSS     string
	App     string
	Icon    string
	Modules []string
}

func renderIndex(o Options, a *assets) *blob {
	d := indexData{Title: o.Title, Version: a.version, CSS: a.url("app.css"), App: a.url("app.js"), Icon: a.url("favicon.svg")}
	for _, m := range a.modules {
		if m != "app.js" {
			d.Modules = append(d.Modules, a.url(m))
		}
	}
	var b bytes.Buffer
	if err := indexTmpl.Execute(&b, d); err != nil {
		panic("dashboard: render index: " + err.Error()) // the template is embedded; tests execute it
	}
	return newBlob("index.html", b.Bytes())
}

// contentSecurityPolicy allows scripts and styles only from the page's own
// origin (model output is hostile; an injected handler must not run even if
// escaping were ever missed) and network access to the page's origin plus
// the configured API and relay origins. Inline style attributes are allowed
// for data-driven colours, which the page validates before use.
func contentSecurityPolicy(o Options) string {
	connect := []string{"'self'"}
	for _, base := range []string{o.APIBase, o.SSEBase} {
		if origin := originOf(base); origin != "" && !contains(connect, origin) {
			connect = append(connect, origin)
		}
	}
	return strings.Join([]string{
		"default-src 'none'",
		"script-src 'self'",
		"style-src 'self' 'unsafe-inline'",
		"img-src 'self' data:",
		"font-src 'self'",
		"connect-src " + strings.Join(connect, " "),
		"base-uri 'none'",
		"form-action 'none'",
		"frame-ancestors 'none'",
	}, "; ")
}

// originOf returns scheme://host[:port] of an absolute http(s) URL, or "".
func originOf(base string) string {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.ContainsAny(u.Host, " ;,'\"") {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
