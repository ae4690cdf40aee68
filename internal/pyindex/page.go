package pyindex

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"sync"

	"pinwheel.dev/pinwheel/internal/pep"
)

// ErrNotFound means an index does not have the project (HTTP 404).
var ErrNotFound = errors.New("not found")

type pageResult struct {
	once sync.Once
	page *ProjectPage
	err  error
}

// ProjectPage fetches and parses project's page from the index at indexURL
// (one of the client's indexes), once per client.
func (c *Client) ProjectPage(ctx context.Context, index *url.URL, project string) (*ProjectPage, error) {
	name := pep.NormalizeName(project)
	key := index.String() + "\x00" + name
	c.pagesMu.Lock()
	r, ok := c.pages[key]
	if !ok {
		r = &pageResult{}
		c.pages[key] = r
	}
	c.pagesMu.Unlock()
	r.once.Do(func() { r.page, r.err = c.fetchPage(ctx, index, name) })
	if r.err != nil && !errors.Is(r.err, ErrNotFound) {
		// Do not remember failures (a cancelled context, a flaky network):
		// the next caller tries again.
		c.pagesMu.Lock()
		if c.pages[key] == r {
			delete(c.pages, key)
		}
		c.pagesMu.Unlock()
	}
	return r.page, r.err
}

const maxPageBytes = 64 << 20

func (c *Client) fetchPage(ctx context.Context, index *url.URL, name string) (*ProjectPage, error) {
	pageURL := index.ResolveReference(&url.URL{Path: url.PathEscape(name) + "/"})
	shown := pageURL.Redacted()
	resp, err := c.get(ctx, pageURL.String(), AcceptHeader)
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", shown, err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return nil, fmt.Errorf("get %s: %w", shown, ErrNotFound)
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return nil, fmt.Errorf("get %s: %s (set credentials in the index URL or in %s)", shown, resp.Status, netrcHint())
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("get %s: %s", shown, resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxPageBytes))
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", shown, err)
	}
	base := resp.Request.URL // after redirects
	ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	var page *ProjectPage
	switch ct {
	case MediaTypeJSON:
		page, err = ParseSimpleJSON(body, base)
	case MediaTypeHTML, MediaTypeLegacyHTML, "":
		page, err = ParseSimpleHTML(body, base)
	default:
		return nil, fmt.Errorf("get %s: unexpected content type %q", shown, ct)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", shown, err)
	}
	return page, nil
}

func netrcHint() string {
	if p := DefaultNetrcPath(); p != "" {
		return p
	}
	return "~/.netrc"
}

// redactErr strips credentials from a *url.Error's URL.
func redactErr(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
