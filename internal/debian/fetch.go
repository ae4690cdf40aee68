package debian

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// Cache holds .debs by SHA256 (Dir/sha256/<hex>.deb). A file enters the
// cache only after its size and hash matched the lock, so a cached file is
// always the locked one.
type Cache struct {
	Dir string
	// Mirror is an archive root URL the lock's filenames are relative to;
	// without it each package comes from the archive its index named.
	Mirror string
	// Pools are local directories holding .debs: an archive root (with
	// pool/…), or a flat directory such as `apt-get download` output or
	// /var/cache/apt/archives.
	Pools []string
	Get   Getter // default HTTPGetter(nil)
}

// Path is where the cache keeps the file with this SHA256.
func (c *Cache) Path(sha string) string { return filepath.Join(c.Dir, "sha256", sha+".deb") }

// Fetch returns the cached path of p's .deb, fetching and verifying it
// first when it is not cached. hit says whether it was. A file whose size
// or SHA256 differs from the lock is an input error and is not cached.
func (c *Cache) Fetch(ctx context.Context, p LockedPackage) (string, bool, error) {
	dst := c.Path(p.SHA256)
	if st, err := os.Stat(dst); err == nil && st.Size() == p.Size {
		return dst, true, nil
	}
	rc, from, err := c.open(ctx, p)
	if err != nil {
		return "", false, err
	}
	defer rc.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return "", false, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(dst), ".deb-*")
	if err != nil {
		return "", false, err
	}
	defer os.Remove(tmp.Name())
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), io.LimitReader(rc, p.Size+1))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", false, fmt.Errorf("fetch %s %s from %s: %w", p.Name, p.Version, from, err)
	}
	got := hex.EncodeToString(h.Sum(nil))
	switch {
	case n != p.Size:
		return "", false, inputerr.At(from, 0, 0, "%s %s: %d bytes, but base.lock says %d (truncated or a different file); not cached", p.Name, p.Version, n, p.Size)
	case got != p.SHA256:
		return "", false, inputerr.At(from, 0, 0, "%s %s: sha256 %s, but base.lock says %s; not cached", p.Name, p.Version, got, p.SHA256)
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return "", false, err
	}
	return dst, false, nil
}

// open finds p in the local pools first, then on the mirror.
func (c *Cache) open(ctx context.Context, p LockedPackage) (io.ReadCloser, string, error) {
	for _, dir := range c.Pools {
		for _, name := range []string{filepath.FromSlash(p.Filename), path.Base(p.Filename), aptDownloadName(p)} {
			f, err := os.Open(filepath.Join(dir, name))
			if err == nil {
				return f, f.Name(), nil
			}
		}
	}
	root := c.Mirror
	if root == "" {
		root = ArchiveRoot(p.Index)
	}
	if root != "" {
		get := c.Get
		if get == nil {
			get = HTTPGetter(nil)
		}
		u := strings.TrimSuffix(root, "/") + "/" + p.Filename
		rc, err := get(ctx, u)
		if err != nil {
			return nil, "", fmt.Errorf("fetch %s %s: %w", p.Name, p.Version, err)
		}
		return rc, u, nil
	}
	where := "no mirror is configured"
	if len(c.Pools) > 0 {
		where = "not in " + strings.Join(c.Pools, ", ") + " and no mirror is configured"
	}
	return nil, "", &inputerr.Error{Msg: fmt.Sprintf("%s %s (%s): %s", p.Name, p.Version, path.Base(p.Filename), where), Err: errors.New("not found")}
}

// ArchiveRoot is the archive a locked package's index came from, where its
// Filename is relative to: the part of the index name before "/dists/".
// apt list names carry no scheme ("deb.debian.org/debian-security/dists/…");
// they get http://, apt's own default ("" when the name is not an archive's).
func ArchiveRoot(index string) string {
	root, _, ok := strings.Cut(index, "/dists/")
	if !ok || root == "" {
		return ""
	}
	if !strings.Contains(root, "://") {
		root = "http://" + root
	}
	return root
}

// aptDownloadName is the file name `apt-get download` gives a package:
// name_version_arch.deb with the epoch's ':' escaped as %3a.
func aptDownloadName(p LockedPackage) string {
	return p.Name + "_" + strings.ReplaceAll(p.Version, ":", "%3a") + "_" + p.Architecture + ".deb"
}
