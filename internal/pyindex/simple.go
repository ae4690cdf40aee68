package pyindex

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
)

// Media types of the simple repository API (PEP 691).
const (
	MediaTypeJSON       = "application/vnd.pypi.simple.v1+json"
	MediaTypeHTML       = "application/vnd.pypi.simple.v1+html"
	MediaTypeLegacyHTML = "text/html"
	// AcceptHeader asks for JSON, then the versioned HTML, then legacy HTML.
	AcceptHeader = MediaTypeJSON + ", " + MediaTypeHTML + ";q=0.2, " + MediaTypeLegacyHTML + ";q=0.01"
)

// File is one distribution file listed on a project page.
type File struct {
	Filename string
	// URL is absolute, with any hash fragment removed.
	URL string
	// Hashes maps hashlib names to lowercase hex digests.
	Hashes         map[string]string
	RequiresPython string
	Yanked         bool
	YankedReason   string
	// CoreMetadata is true when the index serves the file's METADATA at
	// URL+".metadata" (PEP 658 / PEP 714); CoreMetadataHashes are its hashes.
	CoreMetadata       bool
	CoreMetadataHashes map[string]string
}

// ProjectPage is the parsed project detail page of one project.
type ProjectPage struct {
	Name  string
	Files []File
}

// Find returns the file called filename, if listed.
func (p *ProjectPage) Find(filename string) (File, bool) {
	for _, f := range p.Files {
		if f.Filename == filename {
			return f, true
		}
	}
	return File{}, false
}

type jsonMeta struct {
	APIVersion string `json:"api-version"`
}

type jsonFile struct {
	Filename         string            `json:"filename"`
	URL              string            `json:"url"`
	Hashes           map[string]string `json:"hashes"`
	RequiresPython   *string           `json:"requires-python"`
	Yanked           json.RawMessage   `json:"yanked"`
	CoreMetadata     json.RawMessage   `json:"core-metadata"`
	DistInfoMetadata json.RawMessage   `json:"dist-info-metadata"`
}

type jsonProject struct {
	Meta  jsonMeta   `json:"meta"`
	Name  string     `json:"name"`
	Files []jsonFile `json:"files"`
}

// ParseSimpleJSON parses a PEP 691 project detail response. base is the URL
// the page was fetched from; file URLs are resolved against it.
func ParseSimpleJSON(data []byte, base *url.URL) (*ProjectPage, error) {
	var raw jsonProject
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("parse simple API JSON: %w", err)
	}
	if err := checkAPIVersion(raw.Meta.APIVersion); err != nil {
		return nil, err
	}
	page := &ProjectPage{Name: raw.Name}
	for i, jf := range raw.Files {
		f, err := jf.toFile(base)
		if err != nil {
			return nil, fmt.Errorf("parse simple API JSON: files[%d]: %w", i, err)
		}
		page.Files = append(page.Files, f)
	}
	return page, nil
}

func checkAPIVersion(v string) error {
	if v == "" {
		return fmt.Errorf("parse simple API JSON: meta.api-version missing")
	}
	major, _, _ := strings.Cut(v, ".")
	if major != "1" {
		return fmt.Errorf("parse simple API JSON: unsupported api-version %q (want 1.x)", v)
	}
	return nil
}

func (jf jsonFile) toFile(base *url.URL) (File, error) {
	if jf.Filename == "" || strings.ContainsAny(jf.Filename, "/\\") {
		return File{}, fmt.Errorf("bad filename %q", jf.Filename)
	}
	u, frag, err := resolveURL(base, jf.URL)
	if err != nil {
		return File{}, err
	}
	f := File{Filename: jf.Filename, URL: u, Hashes: lowerHashes(jf.Hashes)}
	if len(f.Hashes) == 0 && frag != nil {
		f.Hashes = frag
	}
	if jf.RequiresPython != nil {
		f.RequiresPython = *jf.RequiresPython
	}
	if f.Yanked, f.YankedReason, err = boolOrString(jf.Yanked); err != nil {
		return File{}, fmt.Errorf("yanked: %w", err)
	}
	meta := jf.CoreMetadata
	if len(meta) == 0 {
		meta = jf.DistInfoMetadata
	}
	if f.CoreMetadata, f.CoreMetadataHashes, err = boolOrHashes(meta); err != nil {
		return File{}, fmt.Errorf("core-metadata: %w", err)
	}
	return f, nil
}

// boolOrString decodes PEP 691's yanked: a bool, or a string reason (yanked).
func boolOrString(raw json.RawMessage) (bool, string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return false, "", nil
	}
	var b bool
	if json.Unmarshal(raw, &b) == nil {
		return b, "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return false, "", fmt.Errorf("want bool or string, got %s", raw)
	}
	return true, s, nil
}

// boolOrHashes decodes core-metadata: a bool, or a dict of hashes (present).
func boolOrHashes(raw json.RawMessage) (bool, map[string]string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return false, nil, nil
	}
	var b bool
	if json.Unmarshal(raw, &b) == nil {
		return b, nil, nil
	}
	var h map[string]string
	if err := json.Unmarshal(raw, &h); err != nil {
		return false, nil, fmt.Errorf("want bool or hash dict, got %s", raw)
	}
	return true, lowerHashes(h), nil
}

func lowerHashes(h map[string]string) map[string]string {
	if len(h) == 0 {
		return nil
	}
	out := make(map[string]string, len(h))
	for k, v := range h {
		out[strings.ToLower(k)] = strings.ToLower(v)
	}
	return out
}

// resolveURL resolves ref against base and splits off a "#<hashname>=<hex>"
// fragment (PEP 503) as hashes.
func resolveURL(base *url.URL, ref string) (string, map[string]string, error) {
	r, err := url.Parse(ref)
	if err != nil {
		return "", nil, fmt.Errorf("bad url %q: %w", ref, err)
	}
	if base != nil {
		r = base.ResolveReference(r)
	}
	var hashes map[string]string
	if name, hexd, ok := strings.Cut(r.Fragment, "="); ok && name != "" && hexd != "" {
		hashes = map[string]string{strings.ToLower(name): strings.ToLower(hexd)}
	}
	r.Fragment, r.RawFragment = "", ""
	return r.String(), hashes, nil
}
