// Package localindex serves a directory of wheels and sdists (a wheelhouse)
// as a real Python package index: the PEP 691 JSON and PEP 503 HTML simple
// API chosen by the Accept header, sha256 URL fragments, PEP 592 yanked
// files, PEP 658 metadata files and Requires-Python read from each wheel.
// Tests, the e2e suites and the demo point pinwheel (or pip) at it.
//
// It owns nothing else: no uploads, no search, no JSON "warehouse" API.
//
// A file "X.yanked" next to X marks X yanked; its content is the reason.
package localindex

import (
	"crypto/subtle"
	"net/http"
	"strings"
)

// Option configures the handler.
type Option func(*handler)

// WithBasicAuth requires HTTP basic auth with these credentials.
func WithBasicAuth(user, password string) Option {
	return func(h *handler) { h.user, h.password = user, password }
}

// WithHTMLOnly answers every page in PEP 503 HTML whatever the Accept
// header asks for, like a static-file index.
func WithHTMLOnly() Option {
	return func(h *handler) { h.htmlOnly = true }
}

// New serves dir as a simple index: /simple/, /simple/<project>/ and
// /files/<filename> (+ /files/<filename>.metadata for wheels).
func New(dir string, opts ...Option) http.Handler {
	h := &handler{dir: dir, digests: map[string]digestEntry{}}
	for _, o := range opts {
		o(h)
	}
	return h
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.user != "" && !h.authorized(r) {
		w.Header().Set("WWW-Authenticate", `Basic realm="localindex"`)
		http.Error(w, "authentication required", http.StatusUnauthorized)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	p := r.URL.Path
	switch {
	case p == "/simple" || p == "/":
		http.Redirect(w, r, "/simple/", http.StatusMovedPermanently)
	case p == "/simple/":
		h.serveRoot(w, r)
	case strings.HasPrefix(p, "/simple/"):
		h.serveProject(w, r, strings.TrimPrefix(p, "/simple/"))
	case strings.HasPrefix(p, "/files/"):
		h.serveFile(w, r, strings.TrimPrefix(p, "/files/"))
	default:
		http.NotFound(w, r)
	}
}

func (h *handler) authorized(r *http.Request) bool {
	u, p, ok := r.BasicAuth()
	return ok && subtle.ConstantTimeCompare([]byte(u), []byte(h.user)) == 1 &&
		subtle.ConstantTimeCompare([]byte(p), []byte(h.password)) == 1
}
