package wheel

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"pinwheel.dev/pinwheel/internal/safefs"
)

// writer creates files and directories for one install, remembering what it
// created so a failed install can be undone, and stamping everything with a
// fixed modification time so output does not depend on the clock. Every
// write goes through tree: confined to the scheme's directories, never
// through a symlink out of them.
type writer struct {
	mu      sync.Mutex // guards files, dirs, rows: extraction runs in parallel
	modTime time.Time
	files   []string // created files, in order
	dirs    []string // created directories, in order
	rows    []installedRow
	root    string // directory RECORD paths are relative to
	tree    *safefs.Tree
}

// mkdirAll is os.MkdirAll that records the directories it creates.
func (w *writer) mkdirAll(dir string) error {
	if st, err := w.tree.Stat(dir); err == nil {
		if !st.IsDir() {
			return fmt.Errorf("%s exists and is not a directory", dir)
		}
		return nil
	}
	if err := w.mkdirAll(filepath.Dir(dir)); err != nil {
		return err
	}
	if err := w.tree.Mkdir(dir, 0o755); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return nil // a parallel install made it
		}
		return err
	}
	w.mu.Lock()
	w.dirs = append(w.dirs, dir)
	w.mu.Unlock()
	return w.tree.Chmod(dir, 0o755)
}

// conflictError says two distributions install different content at one path.
type conflictError struct{ path string }

func (e *conflictError) Error() string {
	return fmt.Sprintf("%s already exists with different content (another distribution installs the same file)", e.path)
}

// create writes r to dest (mode 0644 or 0755) while hashing it; verify is
// called with the written content's sha256 and byte count before the file
// is accepted. An existing dest is accepted only when identical.
func (w *writer) create(dest string, r io.Reader, mode fs.FileMode, verify func(h hash.Hash, n int64) error, extra hash.Hash) error {
	if err := w.mkdirAll(filepath.Dir(dest)); err != nil {
		return err
	}
	f, err := w.tree.OpenFile(dest, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	existed := errors.Is(err, fs.ErrExist)
	var tmpName string
	if existed {
		f, tmpName, err = w.tree.CreateTemp(filepath.Dir(dest), ".pinwheel-")
	}
	if err != nil {
		return err
	}
	if !existed {
		w.mu.Lock()
		w.files = append(w.files, dest)
		w.mu.Unlock()
	}
	sum := sha256.New()
	dst := io.MultiWriter(f, sum)
	if extra != nil {
		dst = io.MultiWriter(f, sum, extra)
	}
	n, err := io.Copy(dst, r)
	if err == nil {
		err = verify(sum, n)
	}
	if err == nil {
		err = f.Chmod(mode)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if existed {
		defer w.tree.Remove(tmpName)
		if err == nil && !w.sameContent(dest, sum.Sum(nil)) {
			err = &conflictError{path: dest}
		}
	}
	if err != nil {
		return err
	}
	if !existed {
		if err := w.tree.Chtimes(dest, w.modTime, w.modTime); err != nil {
			return err
		}
	}
	rel, err := filepath.Rel(w.root, dest)
	if err != nil {
		return err
	}
	w.mu.Lock()
	w.rows = append(w.rows, installedRow{path: filepath.ToSlash(rel), sha256: sum.Sum(nil), size: n})
	w.mu.Unlock()
	return nil
}

func (w *writer) createBytes(dest string, data []byte, mode fs.FileMode) error {
	return w.create(dest, bytes.NewReader(data), mode, func(hash.Hash, int64) error { return nil }, nil)
}

func (w *writer) sameContent(p string, want []byte) bool {
	f, err := w.tree.OpenFile(p, os.O_RDONLY, 0)
	if err != nil {
		return false
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return false
	}
	return bytes.Equal(h.Sum(nil), want)
}

// finish stamps the directories whose entries this install changed (the
// ones it created and the parents of everything it created) with the fixed
// time, deepest first.
func (w *writer) finish() error {
	touched := map[string]bool{}
	for _, d := range w.dirs {
		touched[d], touched[filepath.Dir(d)] = true, true
	}
	for _, f := range w.files {
		touched[filepath.Dir(f)] = true
	}
	dirs := make([]string, 0, len(touched))
	for d := range touched {
		dirs = append(dirs, d)
	}
	sort.Slice(dirs, func(i, j int) bool {
		if len(dirs[i]) != len(dirs[j]) {
			return len(dirs[i]) > len(dirs[j])
		}
		return dirs[i] < dirs[j]
	})
	for _, d := range dirs {
		if err := w.tree.Chtimes(d, w.modTime, w.modTime); err != nil {
			return err
		}
	}
	return nil
}

// undo removes everything this install created.
func (w *writer) undo() {
	for i := len(w.files) - 1; i >= 0; i-- {
		_ = w.tree.Remove(w.files[i])
	}
	for i := len(w.dirs) - 1; i >= 0; i-- {
		_ = w.tree.Remove(w.dirs[i]) // only succeeds when empty
	}
}
