package pyindex

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sync/errgroup"

	"pinwheel.dev/pinwheel/internal/safefs"
)

// Want is one artifact to fetch, as the lock names it.
type Want struct {
	Package  string // PEP 503-normalised project name
	Version  string
	Filename string // e.g. requests-2.32.3-py3-none-any.whl
	// URL is where the lock says the file lives (optional). file:// works.
	URL string
	// Path is a local file the lock names (optional), absolute or relative
	// to the working directory.
	Path string
	// Hashes are the expected digests (hashlib name → hex).
	Hashes map[string]string
	Size   int64 // expected size, 0 when unknown
}

// Fetched is one verified artifact in the cache.
type Fetched struct {
	Want   Want
	Path   string // the cache file (content-addressed, read-only by convention)
	SHA256 string
	Size   int64
	// Source says where it came from: "cache", "find-links <dir>",
	// "url <url>", "path <file>" or "index <url>" (credentials redacted).
	Source   string
	CacheHit bool
	// Unhashed is true when the lock gave no strong hash and the client
	// allowed it; SHA256 then records what was fetched.
	Unhashed     bool
	Yanked       bool
	YankedReason string
}

// CacheHits counts the fetched artifacts served from the cache.
func CacheHits(fs []Fetched) int {
	n := 0
	for _, f := range fs {
		if f.CacheHit {
			n++
		}
	}
	return n
}

// Fetch gets every wanted artifact into the cache, verified, in parallel.
// Results are in the order of wants. Per artifact the search order is: the
// cache (by sha256), --find-links directories in order, the lock's path, the
// lock's URL, then the primary index and the extra indexes in order. A source
// that does not have the file (or cannot be reached) is skipped; a hash
// mismatch from any source stops that artifact's search. All wants are
// tried; the error joins every failure, in the order of wants.
func (c *Client) Fetch(ctx context.Context, wants []Want) ([]Fetched, error) {
	out, errs := c.FetchEach(ctx, wants)
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	c.logger.Info("wheels fetched", "count", len(out), "cacheHits", CacheHits(out))
	return out, nil
}

// FetchEach is Fetch with one result and one error per want (errs[i] is
// nil when wants[i] was fetched), for callers that report each failure on
// its own: a *HashMismatchError, a *MissingError, or another error.
func (c *Client) FetchEach(ctx context.Context, wants []Want) ([]Fetched, []error) {
	out := make([]Fetched, len(wants))
	errs := make([]error, len(wants))
	prog := newProgress(c.progress, len(wants))
	defer prog.finish()
	// Every want is tried even when another fails, so one run names every
	// missing or mismatched file.
	var g errgroup.Group
	g.SetLimit(c.concurrency)
	for i, w := range wants {
		g.Go(func() error {
			f, err := c.fetchOne(ctx, w)
			if err != nil {
				errs[i] = err
				return nil
			}
			out[i] = f
			prog.done(f)
			c.logger.Debug("fetched", "package", w.Package, "file", w.Filename, "source", f.Source, "sha256", f.SHA256)
			return nil
		})
	}
	_ = g.Wait()
	return out, errs
}

// MissingError says no source had an artifact: Tried lists each source
// searched and what it answered. NotFound is true when every source said
// it does not have the file (rather than failing to answer).
type MissingError struct {
	Package, Filename string
	Tried             []string
	NotFound          bool
}

func (e *MissingError) Error() string {
	if len(e.Tried) == 0 {
		return fmt.Sprintf("%s: no source for %s (no index, no --find-links, no URL in the lock)", e.Package, e.Filename)
	}
	return fmt.Sprintf("%s: could not fetch %s:\n  %s", e.Package, e.Filename, strings.Join(e.Tried, "\n  "))
}

// UnhashedError says the lock gives no strong hash for an artifact.
type UnhashedError struct{ Package, Filename string }

func (e *UnhashedError) Error() string {
	return fmt.Sprintf("%s: no sha256/sha384/sha512 hash for %s in the lock; lock with hashes or pass --allow-unhashed", e.Package, e.Filename)
}

func (c *Client) fetchOne(ctx context.Context, w Want) (Fetched, error) {
	if w.Filename == "" || strings.ContainsAny(w.Filename, "/\\") || w.Filename == ".." {
		return Fetched{}, fmt.Errorf("%s: bad artifact file name %q", w.Package, w.Filename)
	}
	hashed := pinned(w.Hashes)
	if !hashed && !c.allowUnhashed {
		return Fetched{}, &UnhashedError{Package: w.Package, Filename: w.Filename}
	}
	if sha := strings.ToLower(w.Hashes["sha256"]); sha != "" {
		if p, ok := c.cache.Has(sha); ok {
			f, err := c.verifyCached(p, w)
			if err == nil {
				return f, nil
			}
			var mismatch *HashMismatchError
			if !errors.As(err, &mismatch) || mismatch.Algorithm != "sha256" {
				return Fetched{}, err // the lock's hashes disagree with each other
			}
			c.logger.Warn("removing corrupt cache entry", "path", p)
			_ = os.Remove(p)
		}
	}
	var tried []string
	notFound := true
	for _, src := range c.sources(w) {
		if err := ctx.Err(); err != nil {
			return Fetched{}, err
		}
		rc, info, err := src.open(ctx)
		if err != nil {
			notFound = notFound && errors.Is(err, ErrNotFound)
			tried = append(tried, fmt.Sprintf("%s: %v", src.name, err))
			continue
		}
		f, err := c.storeVerified(ctx, rc, w, src.name, info)
		rc.Close()
		var mismatch *HashMismatchError
		if errors.As(err, &mismatch) || errors.Is(err, errSize) {
			return Fetched{}, err
		}
		if err != nil {
			notFound = false
			tried = append(tried, fmt.Sprintf("%s: %v", src.name, err))
			continue
		}
		f.Unhashed = !hashed
		if info.yanked {
			c.logger.Warn("locked file is yanked", "package", w.Package, "file", w.Filename, "reason", info.yankedReason)
		}
		return f, nil
	}
	return Fetched{}, &MissingError{Package: w.Package, Filename: w.Filename, Tried: tried, NotFound: notFound}
}

var errSize = errors.New("size mismatch")

func (c *Client) verifyCached(p string, w Want) (Fetched, error) {
	f, err := os.Open(p)
	if err != nil {
		return Fetched{}, err
	}
	defer f.Close()
	h := newHasher(w.Hashes)
	if _, err := io.Copy(h, f); err != nil {
		return Fetched{}, err
	}
	if err := h.verify(w.Package, w.Filename, "cache "+p, w.Hashes); err != nil {
		return Fetched{}, err
	}
	return Fetched{Want: w, Path: p, SHA256: h.sum("sha256"), Size: h.n, Source: "cache", CacheHit: true}, nil
}

func (c *Client) storeVerified(ctx context.Context, r io.Reader, w Want, source string, info sourceInfo) (Fetched, error) {
	path, h, err := c.cache.store(ctx, r, w.Hashes, func(h *hasher) error {
		if err := h.verify(w.Package, w.Filename, source, w.Hashes); err != nil {
			return err
		}
		if w.Size > 0 && h.n != w.Size {
			return fmt.Errorf("%s: %s from %s: %w: expected %d bytes, got %d", w.Package, w.Filename, source, errSize, w.Size, h.n)
		}
		// The index's own hash guards the transfer; the lock's hash is the pin.
		return h.verify(w.Package, w.Filename, source+" (index hash)", info.hashes)
	})
	if err != nil {
		return Fetched{}, err
	}
	return Fetched{Want: w, Path: path, SHA256: h.sum("sha256"), Size: h.n, Source: source,
		Yanked: info.yanked, YankedReason: info.yankedReason}, nil
}

type sourceInfo struct {
	hashes       map[string]string // what the index claims
	yanked       bool
	yankedReason string
}

type source struct {
	name string
	open func(ctx context.Context) (io.ReadCloser, sourceInfo, error)
}

func (c *Client) sources(w Want) []source {
	var out []source
	for _, dir := range c.findLinks {
		p := filepath.Join(dir, w.Filename)
		out = append(out, source{name: "find-links " + dir, open: openFile(p)})
	}
	if w.Path != "" {
		out = append(out, source{name: "path " + w.Path, open: openFile(w.Path)})
	}
	if w.URL != "" {
		if u, err := url.Parse(w.URL); err == nil && u.Scheme == "file" {
			out = append(out, source{name: "url " + w.URL, open: openFile(u.Path)})
		} else {
			out = append(out, source{name: "url " + redact(w.URL), open: c.openURL(w.URL, sourceInfo{})})
		}
	}
	for _, idx := range c.indexes {
		out = append(out, source{name: "index " + idx.Redacted(), open: c.openFromIndex(idx, w)})
	}
	return out
}

// openFile opens a local artifact: a regular file (opened without
// blocking), never a device, FIFO or socket.
func openFile(p string) func(context.Context) (io.ReadCloser, sourceInfo, error) {
	return func(context.Context) (io.ReadCloser, sourceInfo, error) {
		f, err := safefs.Open(filepath.Dir(p), p)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, sourceInfo{}, fmt.Errorf("%s: %w", p, ErrNotFound)
		}
		return f, sourceInfo{}, err
	}
}

func (c *Client) openURL(raw string, info sourceInfo) func(context.Context) (io.ReadCloser, sourceInfo, error) {
	return func(ctx context.Context) (io.ReadCloser, sourceInfo, error) {
		resp, err := c.get(ctx, raw, "")
		if err != nil {
			return nil, info, err
		}
		if resp.StatusCode == http.StatusNotFound {
			return nil, info, ErrNotFound
		}
		if resp.StatusCode != http.StatusOK {
			return nil, info, fmt.Errorf("%s", resp.Status)
		}
		return resp.Body, info, nil
	}
}

func (c *Client) openFromIndex(idx *url.URL, w Want) func(context.Context) (io.ReadCloser, sourceInfo, error) {
	return func(ctx context.Context) (io.ReadCloser, sourceInfo, error) {
		page, err := c.ProjectPage(ctx, idx, w.Package)
		if err != nil {
			return nil, sourceInfo{}, err
		}
		f, ok := page.Find(w.Filename)
		if !ok {
			return nil, sourceInfo{}, fmt.Errorf("project page lists no %s: %w", w.Filename, ErrNotFound)
		}
		info := sourceInfo{hashes: f.Hashes, yanked: f.Yanked, yankedReason: f.YankedReason}
		return c.openURL(f.URL, info)(ctx)
	}
}
