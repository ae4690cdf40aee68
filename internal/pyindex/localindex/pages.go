package localindex

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"

	"pinwheel.dev/pinwheel/internal/safefs"
)

func (h *handler) serveRoot(w http.ResponseWriter, r *http.Request) {
	ct, ok := h.negotiate(r)
	if !ok {
		http.Error(w, "not acceptable", http.StatusNotAcceptable)
		return
	}
	names, err := h.list()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	var projects []string
	seen := map[string]bool{}
	for _, n := range names {
		if p := projectOf(n); !seen[p] {
			seen[p] = true
			projects = append(projects, p)
		}
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Vary", "Accept")
	if ct == typeJSON {
		type project struct {
			Name string `json:"name"`
		}
		doc := struct {
			Meta     map[string]string `json:"meta"`
			Projects []project         `json:"projects"`
		}{Meta: map[string]string{"api-version": "1.0"}, Projects: []project{}}
		for _, p := range projects {
			doc.Projects = append(doc.Projects, project{Name: p})
		}
		_ = json.NewEncoder(w).Encode(doc)
		return
	}
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html><head><meta name=\"pypi:repository-version\" content=\"1.0\"><title>Simple index</title></head><body>\n")
	for _, p := range projects {
		fmt.Fprintf(&b, "<a href=\"%s/\">%s</a>\n", url.PathEscape(p), html.EscapeString(p))
	}
	b.WriteString("</body></html>\n")
	_, _ = w.Write([]byte(b.String()))
}

func (h *handler) serveProject(w http.ResponseWriter, r *http.Request, rest string) {
	name := strings.TrimSuffix(rest, "/")
	if name == "" || strings.Contains(name, "/") {
		http.NotFound(w, r)
		return
	}
	if norm := normalize(name); norm != name || !strings.HasSuffix(rest, "/") {
		http.Redirect(w, r, "/simple/"+url.PathEscape(norm)+"/", http.StatusMovedPermanently)
		return
	}
	ct, ok := h.negotiate(r)
	if !ok {
		http.Error(w, "not acceptable", http.StatusNotAcceptable)
		return
	}
	files, err := h.projectFiles(name)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	if len(files) == 0 {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Vary", "Accept")
	if ct == typeJSON {
		_ = json.NewEncoder(w).Encode(projectJSON(name, files))
		return
	}
	_, _ = w.Write([]byte(projectHTML(name, files)))
}

func (h *handler) projectFiles(name string) ([]fileInfo, error) {
	names, err := h.list()
	if err != nil {
		return nil, err
	}
	var out []fileInfo
	for _, n := range names {
		if projectOf(n) != name {
			continue
		}
		fi, err := h.info(n)
		if err != nil {
			return nil, err
		}
		out = append(out, fi)
	}
	return out, nil
}

// fileHref is relative to /simple/<project>/, exercising clients' URL resolution.
func fileHref(filename string) string { return "../../files/" + url.PathEscape(filename) }

func projectJSON(name string, files []fileInfo) any {
	type file struct {
		Filename       string            `json:"filename"`
		URL            string            `json:"url"`
		Hashes         map[string]string `json:"hashes"`
		RequiresPython *string           `json:"requires-python,omitempty"`
		Yanked         any               `json:"yanked"`
		CoreMetadata   any               `json:"core-metadata"`
	}
	doc := struct {
		Meta  map[string]string `json:"meta"`
		Name  string            `json:"name"`
		Files []file            `json:"files"`
	}{Meta: map[string]string{"api-version": "1.1"}, Name: name, Files: []file{}}
	for _, fi := range files {
		f := file{Filename: fi.Filename, URL: fileHref(fi.Filename), Hashes: map[string]string{"sha256": fi.SHA256}, Yanked: false, CoreMetadata: false}
		if fi.RequiresPython != "" {
			rp := fi.RequiresPython
			f.RequiresPython = &rp
		}
		if fi.Yanked {
			f.Yanked = true
			if fi.YankedReason != "" {
				f.Yanked = fi.YankedReason
			}
		}
		if fi.Metadata != nil {
			f.CoreMetadata = map[string]string{"sha256": fi.MetadataSHA256}
		}
		doc.Files = append(doc.Files, f)
	}
	return doc
}

func projectHTML(name string, files []fileInfo) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html><head><meta name=\"pypi:repository-version\" content=\"1.1\"><title>Links for %s</title></head><body>\n<h1>Links for %s</h1>\n", html.EscapeString(name), html.EscapeString(name))
	for _, fi := range files {
		fmt.Fprintf(&b, "<a href=\"%s#sha256=%s\"", html.EscapeString(fileHref(fi.Filename)), fi.SHA256)
		if fi.RequiresPython != "" {
			fmt.Fprintf(&b, " data-requires-python=\"%s\"", html.EscapeString(fi.RequiresPython))
		}
		if fi.Yanked {
			fmt.Fprintf(&b, " data-yanked=\"%s\"", html.EscapeString(fi.YankedReason))
		}
		if fi.Metadata != nil {
			fmt.Fprintf(&b, " data-core-metadata=\"sha256=%s\" data-dist-info-metadata=\"sha256=%s\"", fi.MetadataSHA256, fi.MetadataSHA256)
		}
		fmt.Fprintf(&b, ">%s</a><br/>\n", html.EscapeString(fi.Filename))
	}
	b.WriteString("</body></html>\n")
	return b.String()
}

func (h *handler) serveFile(w http.ResponseWriter, r *http.Request, filename string) {
	if filename == "" || strings.ContainsAny(filename, "/\\") || filename == ".." {
		http.NotFound(w, r)
		return
	}
	if dist, ok := strings.CutSuffix(filename, ".metadata"); ok && strings.HasSuffix(dist, ".whl") {
		fi, err := h.info(dist)
		if err != nil || fi.Metadata == nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write(fi.Metadata)
		return
	}
	if projectOf(filename) == "" {
		http.NotFound(w, r)
		return
	}
	f, err := safefs.Open(h.dir, filepath.Join(h.dir, filename)) // a regular file in the wheelhouse, no link out
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	http.ServeContent(w, r, filename, st.ModTime(), f)
}

func (h *handler) negotiate(r *http.Request) (string, bool) {
	if h.htmlOnly {
		return typeLegacyHTML, true
	}
	return negotiate(r.Header.Get("Accept"))
}
