package refresh

import (
	"bufio"
	"bytes"
	"net/textproto"
	"net/url"
	"strings"

	"pinwheel.dev/pinwheel/internal/pep"
)

// Metadata is what refresh reads from a release's core metadata (the
// METADATA file of a wheel, served alone by PEP 658 indexes).
type Metadata struct {
	Name, Version string
	// Requires are the Requires-Dist entries that apply without an extra.
	Requires []string // PEP 503-normalised names
	// Links are the Project-URL entries (and Home-page) with http(s) URLs,
	// in file order.
	Links []Link
}

// Link is a labelled URL.
type Link struct {
	Label string `json:"label"`
	URL   string `json:"url"`
}

// ParseMetadata reads core metadata (RFC 822 style headers, PEP 566). It
// never fails: a header block cut short or malformed yields what was read
// before the damage, and entries that do not parse are left out.
func ParseMetadata(data []byte) Metadata {
	r := textproto.NewReader(bufio.NewReader(bytes.NewReader(data)))
	hdr, _ := r.ReadMIMEHeader() // a partial header is still useful
	m := Metadata{Name: hdr.Get("Name"), Version: hdr.Get("Version")}
	seen := map[string]bool{}
	for _, line := range hdr.Values("Requires-Dist") {
		req, err := pep.ParseRequirement(line)
		if err != nil || mentionsExtra(req.Marker) {
			continue
		}
		if n := req.NormalizedName(); !seen[n] {
			seen[n] = true
			m.Requires = append(m.Requires, n)
		}
	}
	if hp := strings.TrimSpace(hdr.Get("Home-Page")); hp != "" {
		if u, ok := httpURL(hp); ok {
			m.Links = append(m.Links, Link{Label: "Homepage", URL: u})
		}
	}
	for _, v := range hdr.Values("Project-Url") {
		label, raw, ok := strings.Cut(v, ",")
		if !ok {
			continue
		}
		if u, ok := httpURL(strings.TrimSpace(raw)); ok {
			m.Links = append(m.Links, Link{Label: strings.TrimSpace(label), URL: u})
		}
	}
	return m
}

func mentionsExtra(m pep.Marker) bool {
	for _, v := range m.Variables() {
		if v == "extra" {
			return true
		}
	}
	return false
}

// httpURL accepts absolute http(s) URLs without credentials, the only ones
// a pull request body may link to.
func httpURL(raw string) (string, bool) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		strings.ContainsAny(raw, " \t\r\n<>()[]\"'`") {
		return "", false
	}
	return u.String(), true
}
