package pyindex

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"

	"pinwheel.dev/pinwheel/internal/safefs"
)

// Cache is a content-addressed store of verified files:
// <dir>/sha256/<hex>. Entries are written whole (temp file + rename) and
// only after their hashes were verified, so a present entry is complete.
type Cache struct {
	dir string
}

// DefaultCacheDir is os.UserCacheDir()/pinwheel/wheels.
func DefaultCacheDir() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("find user cache dir: %w", err)
	}
	return filepath.Join(base, "pinwheel", "wheels"), nil
}

// OpenCache opens (creating) a cache rooted at dir.
func OpenCache(dir string) (*Cache, error) {
	if err := os.MkdirAll(filepath.Join(dir, "sha256"), 0o755); err != nil {
		return nil, fmt.Errorf("open wheel cache: %w", err)
	}
	return &Cache{dir: dir}, nil
}

// Dir is the cache's root directory.
func (c *Cache) Dir() string { return c.dir }

var hexSHA256 = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Path is where the file with the given sha256 lives (whether or not present).
func (c *Cache) Path(sha256hex string) string {
	return filepath.Join(c.dir, "sha256", sha256hex)
}

// Has returns the path of the entry with sha256hex, if present. Callers
// re-hash what they read (see Client.Fetch): presence is not proof.
func (c *Cache) Has(sha256hex string) (string, bool) {
	if !hexSHA256.MatchString(sha256hex) {
		return "", false
	}
	p := c.Path(sha256hex)
	st, err := os.Stat(p)
	if err != nil || !st.Mode().IsRegular() {
		return "", false
	}
	return p, true
}

// store streams r into a temp file in the cache while hashing it, calls check
// with the hashes, and only if check passes renames the file into place under
// its sha256. It returns the final path and the hasher.
// maxArtifact bounds one downloaded or copied artifact: far above the
// largest real wheel, far below what fills a disk.
const maxArtifact = 16 << 30

// store copies r into the cache, stopping when ctx is done or past
// maxArtifact bytes; the partial file is removed on any error.
func (c *Cache) store(ctx context.Context, r io.Reader, expected map[string]string, check func(*hasher) error) (string, *hasher, error) {
	tmp, err := os.CreateTemp(filepath.Join(c.dir, "sha256"), ".incoming-*")
	if err != nil {
		return "", nil, fmt.Errorf("wheel cache: %w", err)
	}
	defer func() {
		if tmp != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	h := newHasher(expected)
	n, err := io.Copy(io.MultiWriter(tmp, h), safefs.ContextReader(ctx, io.LimitReader(r, maxArtifact+1)))
	if err != nil {
		return "", nil, err
	}
	if n > maxArtifact {
		return "", nil, fmt.Errorf("artifact larger than %d bytes", int64(maxArtifact))
	}
	if err := check(h); err != nil {
		return "", nil, err
	}
	if err := tmp.Chmod(0o644); err != nil {
		return "", nil, fmt.Errorf("wheel cache: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return "", nil, fmt.Errorf("wheel cache: %w", err)
	}
	final := c.Path(h.sum("sha256"))
	if err := os.Rename(tmp.Name(), final); err != nil {
		return "", nil, fmt.Errorf("wheel cache: %w", err)
	}
	tmp = nil
	return final, h, nil
}
