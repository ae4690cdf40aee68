package pyindex

import (
	"bytes"
	"fmt"
	"net/url"
	"path"
	"strings"

	"golang.org/x/net/html"
)

// ParseSimpleHTML parses a PEP 503 project page (with PEP 592 data-yanked,
// data-requires-python and PEP 658/714 metadata attributes). base is the URL
// the page was fetched from; a <base href> in the page overrides it.
func ParseSimpleHTML(data []byte, base *url.URL) (*ProjectPage, error) {
	z := html.NewTokenizer(bytes.NewReader(data))
	page := &ProjectPage{}
	var anchor *html.Token
	var text strings.Builder
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			if anchor != nil {
				return nil, fmt.Errorf("parse simple API HTML: unclosed <a> for %q", attr(*anchor, "href"))
			}
			return page, nil // io.EOF ends every document, well-formed or not
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			switch tok.Data {
			case "base":
				if href := attr(tok, "href"); href != "" {
					b, err := url.Parse(href)
					if err != nil {
						return nil, fmt.Errorf("parse simple API HTML: bad <base href=%q>: %w", href, err)
					}
					if base != nil {
						b = base.ResolveReference(b)
					}
					base = b
				}
			case "a":
				if tt == html.SelfClosingTagToken {
					f, err := anchorFile(tok, "", base)
					if err != nil {
						return nil, err
					}
					page.Files = append(page.Files, f)
					continue
				}
				t := tok
				anchor = &t
				text.Reset()
			}
		case html.TextToken:
			if anchor != nil {
				text.Write(z.Text())
			}
		case html.EndTagToken:
			if tok := z.Token(); tok.Data == "a" && anchor != nil {
				f, err := anchorFile(*anchor, strings.TrimSpace(text.String()), base)
				if err != nil {
					return nil, err
				}
				page.Files = append(page.Files, f)
				anchor = nil
			}
		}
	}
}

func attr(t html.Token, name string) string {
	v, _ := lookupAttr(t, name)
	return v
}

func lookupAttr(t html.Token, name string) (string, bool) {
	for _, a := range t.Attr {
		if a.Key == name {
			return a.Val, true
		}
	}
	return "", false
}

func anchorFile(t html.Token, text string, base *url.URL) (File, error) {
	href, ok := lookupAttr(t, "href")
	if !ok {
		return File{}, fmt.Errorf("parse simple API HTML: <a> %q has no href", text)
	}
	u, hashes, err := resolveURL(base, href)
	if err != nil {
		return File{}, fmt.Errorf("parse simple API HTML: %w", err)
	}
	name := text
	if name == "" || strings.ContainsAny(name, "/\\") {
		// PEP 503: the text is the filename; fall back to the URL's last segment.
		pu, _ := url.Parse(u)
		name = path.Base(pu.Path)
	}
	f := File{Filename: name, URL: u, Hashes: hashes}
	f.RequiresPython = attr(t, "data-requires-python")
	f.YankedReason, f.Yanked = lookupAttr(t, "data-yanked")
	meta, ok := lookupAttr(t, "data-core-metadata")
	if !ok {
		meta, ok = lookupAttr(t, "data-dist-info-metadata")
	}
	if ok && meta != "false" {
		f.CoreMetadata = true
		if alg, hexd, found := strings.Cut(meta, "="); found {
			f.CoreMetadataHashes = map[string]string{strings.ToLower(alg): strings.ToLower(hexd)}
		}
	}
	return f, nil
}
