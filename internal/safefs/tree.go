package safefs

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Tree confines the writes of one install to a set of base directories
// (a wheel's purelib, platlib, scripts, data and headers). Callers name
// absolute paths; a path strictly inside a base is reached through that
// base's os.Root, so a symlink already in the tree cannot carry a write
// out of it. The bases themselves and their ancestors are the caller's own
// choice and are created with plain os calls; anything else is refused.
// A Tree is safe for concurrent use.
type Tree struct {
	mu    sync.Mutex
	bases []string
	roots map[string]*os.Root
}

// NewTree confines writes to bases (absolute directories, which need not
// exist yet).
func NewTree(bases ...string) *Tree {
	t := &Tree{roots: map[string]*os.Root{}}
	for _, b := range bases {
		t.bases = append(t.bases, filepath.Clean(b))
	}
	return t
}

// Close releases the opened bases.
func (t *Tree) Close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	for b, r := range t.roots {
		r.Close()
		delete(t.roots, b)
	}
	return nil
}

// resolve returns the root and relative name for p strictly inside a base
// (the longest), or ok=false when p is a base or an ancestor of one; any
// other p is outside the tree.
func (t *Tree) resolve(p string) (r *os.Root, rel string, ok bool, err error) {
	p = filepath.Clean(p)
	best := ""
	for _, b := range t.bases {
		if rel, e := filepath.Rel(b, p); e == nil && filepath.IsLocal(rel) && rel != "." && len(b) > len(best) {
			best = b
		}
	}
	if best == "" {
		for _, b := range t.bases {
			if rel, e := filepath.Rel(p, b); e == nil && filepath.IsLocal(rel) {
				return nil, "", false, nil
			}
		}
		return nil, "", false, fmt.Errorf("%s %w of the install", p, ErrOutside)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.roots[best] == nil {
		if t.roots[best], err = os.OpenRoot(best); err != nil {
			delete(t.roots, best)
			return nil, "", false, err
		}
	}
	rel, _ = filepath.Rel(best, p)
	return t.roots[best], rel, true, nil
}

// do runs inRoot for a path strictly inside a base, plain for a base or an
// ancestor of one, and refuses anything else.
func (t *Tree) do(p string, inRoot func(r *os.Root, rel string) error, plain func(p string) error) error {
	r, rel, ok, err := t.resolve(p)
	switch {
	case err != nil:
		return err
	case !ok:
		return plain(p)
	}
	return inRoot(r, rel)
}

// Stat is os.Stat confined to the tree (links followed only inside a base).
func (t *Tree) Stat(p string) (st fs.FileInfo, err error) {
	err = t.do(p, func(r *os.Root, rel string) (err error) { st, err = r.Stat(rel); return err },
		func(p string) (err error) { st, err = os.Stat(p); return err })
	return st, err
}

// Mkdir is os.Mkdir confined to the tree.
func (t *Tree) Mkdir(p string, perm fs.FileMode) error {
	return t.do(p, func(r *os.Root, rel string) error { return r.Mkdir(rel, perm) },
		func(p string) error { return os.Mkdir(p, perm) })
}

// Chmod is os.Chmod confined to the tree.
func (t *Tree) Chmod(p string, mode fs.FileMode) error {
	return t.do(p, func(r *os.Root, rel string) error { return r.Chmod(rel, mode) },
		func(p string) error { return os.Chmod(p, mode) })
}

// Chtimes is os.Chtimes confined to the tree.
func (t *Tree) Chtimes(p string, atime, mtime time.Time) error {
	return t.do(p, func(r *os.Root, rel string) error { return r.Chtimes(rel, atime, mtime) },
		func(p string) error { return os.Chtimes(p, atime, mtime) })
}

// Remove is os.Remove confined to the tree.
func (t *Tree) Remove(p string) error {
	return t.do(p, func(r *os.Root, rel string) error { return r.Remove(rel) }, os.Remove)
}

// OpenFile is os.OpenFile for a file strictly inside a base.
func (t *Tree) OpenFile(p string, flag int, perm fs.FileMode) (*os.File, error) {
	r, rel, ok, err := t.resolve(p)
	if err == nil && !ok {
		err = fmt.Errorf("%s is an install directory, not a file", p)
	}
	if err != nil {
		return nil, err
	}
	return r.OpenFile(rel, flag, perm)
}

// CreateTemp creates a new file in dir named prefix plus random
// characters, opened for writing; its Name is the absolute path.
func (t *Tree) CreateTemp(dir, prefix string) (*os.File, string, error) {
	for range 100 {
		var b [6]byte
		rand.Read(b[:])
		p := filepath.Join(dir, prefix+hex.EncodeToString(b[:]))
		f, err := t.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if os.IsExist(err) {
			continue
		}
		return f, p, err
	}
	return nil, "", fmt.Errorf("create a temporary file in %s: too many collisions", dir)
}
