package pyindex

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// DefaultIndexURL is PyPI's simple API.
const DefaultIndexURL = "https://pypi.org/simple/"

// Client fetches artifacts from indexes, wheelhouses and direct URLs.
type Client struct {
	primary       *url.URL   // --index-url; nil for none
	extras        []*url.URL // --extra-index-url in order
	indexes       []*url.URL // primary then extras, built by New
	findLinks     []string
	http          *http.Client
	netrc         *Netrc
	netrcPath     string
	cacheDir      string
	cache         *Cache
	allowUnhashed bool
	concurrency   int
	logger        *slog.Logger
	progress      io.Writer

	pagesMu sync.Mutex
	pages   map[string]*pageResult
}

// Option configures a Client.
type Option func(*Client) error

// WithIndexURL replaces the primary index (default PyPI). An empty string
// means no primary index (find-links and direct URLs only).
func WithIndexURL(raw string) Option {
	return func(c *Client) error {
		c.primary = nil
		if raw == "" {
			return nil
		}
		u, err := parseIndexURL(raw)
		if err != nil {
			return err
		}
		c.primary = u
		return nil
	}
}

// WithExtraIndexURLs adds indexes searched after the primary one, in order.
func WithExtraIndexURLs(raws ...string) Option {
	return func(c *Client) error {
		for _, raw := range raws {
			u, err := parseIndexURL(raw)
			if err != nil {
				return err
			}
			c.extras = append(c.extras, u)
		}
		return nil
	}
}

// WithFindLinks adds local wheelhouse directories.
func WithFindLinks(dirs ...string) Option {
	return func(c *Client) error { c.findLinks = append(c.findLinks, dirs...); return nil }
}

// WithHTTPClient sets the HTTP client (default: a fresh one).
func WithHTTPClient(h *http.Client) Option {
	return func(c *Client) error { c.http = h; return nil }
}

// WithNetrc reads credentials from the netrc file at path ("" disables).
// Default: DefaultNetrcPath().
func WithNetrc(path string) Option {
	return func(c *Client) error { c.netrcPath = path; return nil }
}

// WithCacheDir sets the cache root (default DefaultCacheDir()).
func WithCacheDir(dir string) Option {
	return func(c *Client) error { c.cacheDir = dir; return nil }
}

// WithAllowUnhashed accepts artifacts the lock gives no strong hash for; their
// computed sha256 is recorded in Fetched.
func WithAllowUnhashed(allow bool) Option {
	return func(c *Client) error { c.allowUnhashed = allow; return nil }
}

// WithConcurrency limits parallel downloads (default 4).
func WithConcurrency(n int) Option {
	return func(c *Client) error {
		if n < 1 {
			return fmt.Errorf("concurrency must be at least 1, got %d", n)
		}
		c.concurrency = n
		return nil
	}
}

// WithLogger sets the logger (default: discard).
func WithLogger(l *slog.Logger) Option {
	return func(c *Client) error { c.logger = l; return nil }
}

// WithProgress draws a progress line on w when w is a terminal.
func WithProgress(w io.Writer) Option {
	return func(c *Client) error { c.progress = w; return nil }
}

// New builds a Client.
func New(opts ...Option) (*Client, error) {
	def, _ := url.Parse(DefaultIndexURL)
	c := &Client{
		primary:     def,
		http:        defaultHTTPClient(),
		netrcPath:   DefaultNetrcPath(),
		concurrency: 4,
		logger:      slog.New(slog.DiscardHandler),
		pages:       map[string]*pageResult{},
	}
	for _, o := range opts {
		if err := o(c); err != nil {
			return nil, err
		}
	}
	if c.primary != nil {
		c.indexes = append(c.indexes, c.primary)
	}
	c.indexes = append(c.indexes, c.extras...)
	var err error
	if c.netrc, err = ReadNetrc(c.netrcPath); err != nil {
		return nil, err
	}
	if c.cacheDir == "" {
		if c.cacheDir, err = DefaultCacheDir(); err != nil {
			return nil, err
		}
	}
	if c.cache, err = OpenCache(c.cacheDir); err != nil {
		return nil, err
	}
	return c, nil
}

// Cache is the client's wheel cache.
func (c *Client) Cache() *Cache { return c.cache }

func parseIndexURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("index URL %q: want an http(s) URL like %s", redact(raw), DefaultIndexURL)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	return u, nil
}

// redact hides the password in a URL for messages.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "<unparseable URL>"
	}
	return u.Redacted()
}

// authorize adds credentials to req: the userinfo of the
// target itself, else of an index on the same host, else netrc.
func (c *Client) authorize(req *http.Request) {
	u := req.URL
	if u.User != nil {
		pw, _ := u.User.Password()
		req.SetBasicAuth(u.User.Username(), pw)
		u.User = nil
		return
	}
	for _, idx := range c.indexes {
		if idx.User != nil && strings.EqualFold(idx.Host, u.Host) && idx.Scheme == u.Scheme {
			pw, _ := idx.User.Password()
			req.SetBasicAuth(idx.User.Username(), pw)
			return
		}
	}
	if cred, ok := c.netrc.Lookup(u.Hostname()); ok {
		req.SetBasicAuth(cred.Login, cred.Password)
	}
}
