package container

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"
)

// The rootfs cache holds one read-only tree per image (cache/sha256/<hex>)
// beside two small files: <hex>.lock, which every Prepared holds shared
// for as long as it may start containers (so pruning skips a tree in use),
// and <hex>.used, whose mtime is the tree's last use.

// Retention says which trees PruneRootfs keeps: it removes every tree not
// used for MaxAge, then the least recently used ones until the cache holds
// at most MaxBytes. Zero means no bound of that kind.
type Retention struct {
	MaxAge   time.Duration
	MaxBytes int64
}

// DefaultRetention bounds a rootfs cache that nobody prunes by hand: a
// tree unused for 30 days goes, and the cache stays under 20 GiB.
var DefaultRetention = Retention{MaxAge: 30 * 24 * time.Hour, MaxBytes: 20 << 30}

// CachedRootfs is one tree of the cache.
type CachedRootfs struct {
	Image    string    `json:"image"` // the image's config digest (sha256:<hex>)
	Dir      string    `json:"dir"`
	Bytes    int64     `json:"bytes"` // apparent size of its files
	LastUsed time.Time `json:"lastUsed"`
	InUse    bool      `json:"inUse"` // a Prepared holds it: never pruned
}

// Pruned is what PruneRootfs did.
type Pruned struct {
	Removed []CachedRootfs
	Kept    []CachedRootfs
	Freed   int64
}

// lockedEntry is an open <hex>.lock holding a flock.
type lockedEntry struct{ f *os.File }

// lockEntry flocks dir's lock file (LOCK_SH or LOCK_EX, optionally
// LOCK_NB). The file can be replaced while we wait (a prune removes it
// with its tree), so the lock counts only if the path still names the
// inode we locked; otherwise it tries again.
func lockEntry(dir string, how int) (*lockedEntry, error) {
	path := dir + ".lock"
	for {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
		if err != nil {
			return nil, err
		}
		if err := syscall.Flock(int(f.Fd()), how); err != nil {
			f.Close()
			return nil, err
		}
		held, err1 := f.Stat()
		now, err2 := os.Stat(path)
		if err1 == nil && err2 == nil && os.SameFile(held, now) {
			return &lockedEntry{f: f}, nil
		}
		f.Close()
	}
}

func (l *lockedEntry) unlock() {
	if l != nil && l.f != nil {
		l.f.Close() // releases the flock
		l.f = nil
	}
}

// markUsed sets dir's last use to now.
func markUsed(dir string) error {
	stamp := dir + ".used"
	now := time.Now()
	if err := os.Chtimes(stamp, now, now); errors.Is(err, fs.ErrNotExist) {
		f, err := os.OpenFile(stamp, os.O_CREATE|os.O_WRONLY, 0o600)
		if err != nil {
			return err
		}
		return f.Close()
	} else {
		return err
	}
}

// ListRootfs lists the trees of cache, least recently used first.
func ListRootfs(cache string) ([]CachedRootfs, error) {
	root := filepath.Join(cache, "sha256")
	ents, err := os.ReadDir(root)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []CachedRootfs
	for _, e := range ents {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		dir := filepath.Join(root, e.Name())
		c := CachedRootfs{Image: "sha256:" + e.Name(), Dir: dir, Bytes: treeBytes(dir)}
		if st, err := os.Stat(dir + ".used"); err == nil {
			c.LastUsed = st.ModTime()
		} else if st, err := os.Stat(dir); err == nil { // unpacked before stamps existed
			c.LastUsed = st.ModTime()
		}
		if l, err := lockEntry(dir, syscall.LOCK_EX|syscall.LOCK_NB); err == nil {
			l.unlock()
		} else {
			c.InUse = true
		}
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].LastUsed.Before(out[j].LastUsed) })
	return out, nil
}

// PruneRootfs removes the trees of cache that keep does not keep, least
// recently used first, never one in use; and the half-unpacked
// directories a killed run left (older than an hour). A tree is renamed
// away under its exclusive lock before it is deleted, so a Prepare never
// sees half of it: it unpacks the image again.
func PruneRootfs(cache string, keep Retention, now time.Time) (Pruned, error) {
	var p Pruned
	all, err := ListRootfs(cache)
	if err != nil {
		return p, err
	}
	var total int64
	for _, c := range all {
		total += c.Bytes
	}
	for _, c := range all {
		old := keep.MaxAge > 0 && now.Sub(c.LastUsed) > keep.MaxAge
		over := keep.MaxBytes > 0 && total > keep.MaxBytes
		if c.InUse || !(old || over) {
			p.Kept = append(p.Kept, c)
			continue
		}
		removed, err := removeEntry(c.Dir)
		if err != nil {
			return p, fmt.Errorf("prune %s: %w", c.Dir, err)
		}
		if !removed { // taken meanwhile
			c.InUse = true
			p.Kept = append(p.Kept, c)
			continue
		}
		total -= c.Bytes
		p.Freed += c.Bytes
		p.Removed = append(p.Removed, c)
	}
	removeStaleUnpacks(filepath.Join(cache, "sha256"), now)
	return p, nil
}

// removeEntry deletes one tree under its exclusive lock; false when a
// Prepared holds it.
func removeEntry(dir string) (bool, error) {
	l, err := lockEntry(dir, syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	defer l.unlock()
	gone, err := os.MkdirTemp(filepath.Dir(dir), ".prune-*")
	if err != nil {
		return false, err
	}
	if err := os.Rename(dir, filepath.Join(gone, "tree")); err != nil {
		os.Remove(gone)
		return false, err
	}
	os.Remove(dir + ".used")
	os.Remove(dir + ".lock") // waiters re-open by path and see the new file
	return true, os.RemoveAll(gone)
}

// removeStaleUnpacks deletes what a killed Rootfs or PruneRootfs left.
func removeStaleUnpacks(root string, now time.Time) {
	ents, _ := os.ReadDir(root)
	for _, e := range ents {
		if !strings.HasPrefix(e.Name(), ".unpack-") && !strings.HasPrefix(e.Name(), ".prune-") {
			continue
		}
		if info, err := e.Info(); err == nil && now.Sub(info.ModTime()) > time.Hour {
			os.RemoveAll(filepath.Join(root, e.Name()))
		}
	}
}

// treeBytes is the apparent size of the regular files under dir.
func treeBytes(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

// DefaultCacheDir is the rootfs cache `pinwheel run`, `up` and `cache`
// share: the user cache dir/pinwheel/rootfs.
func DefaultCacheDir() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("rootfs cache: %w (pass --cache-dir)", err)
	}
	return filepath.Join(base, "pinwheel", "rootfs"), nil
}
