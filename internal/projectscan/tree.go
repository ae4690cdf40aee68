package projectscan

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"sort"
	"syscall"

	"pinwheel.dev/pinwheel/internal/inputerr"
	"pinwheel.dev/pinwheel/internal/safefs"
	"pinwheel.dev/pinwheel/internal/secrets"
)

// errSecretFile is returned for files the secret rules name: they are
// never opened.
var errSecretFile = errors.New("is a secret-shaped file; init never reads it")

// tree reads files of one project through an os.Root: names are
// slash-separated and relative to the root, and nothing outside it (by
// "..", absolute names or symlinks) can be opened.
type tree struct {
	root *os.Root
	max  int64
}

func openTree(dir string) (*tree, error) {
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return &tree{root: r, max: safefs.DefaultMaxRead}, nil
}

func (t *tree) Close() error { return t.root.Close() }

// read returns the contents of the regular file name, or an error wrapping
// fs.ErrNotExist when there is none. Links out of the root, devices,
// FIFOs, oversized files and secret-shaped names are refused.
func (t *tree) read(name string) ([]byte, error) {
	if what, ok := secrets.File(name, nil); ok {
		return nil, fmt.Errorf("%s %w (%s)", inputerr.Excerpt(name), errSecretFile, what)
	}
	st, err := t.root.Stat(name)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s %w", inputerr.Excerpt(name), safefs.ErrNotRegular)
	}
	f, err := t.root.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fst, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fst.Mode().IsRegular() || !os.SameFile(st, fst) {
		return nil, fmt.Errorf("%s %w", inputerr.Excerpt(name), safefs.ErrNotRegular)
	}
	if fst.Size() > t.max {
		return nil, fmt.Errorf("%s %w (%d bytes)", inputerr.Excerpt(name), safefs.ErrTooLarge, fst.Size())
	}
	data, err := io.ReadAll(io.LimitReader(f, t.max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > t.max {
		return nil, fmt.Errorf("%s %w", inputerr.Excerpt(name), safefs.ErrTooLarge)
	}
	return data, nil
}

// readOpt is read for optional files: absent is (nil, nil).
func (t *tree) readOpt(name string) ([]byte, error) {
	data, err := t.read(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return data, err
}

// isFile reports whether name is a regular file inside the root.
func (t *tree) isFile(name string) bool {
	st, err := t.root.Stat(name)
	return err == nil && st.Mode().IsRegular()
}

// entry is one directory entry: its slash name relative to the root, and
// whether it is a real directory (symlinks are never directories here).
type entry struct {
	name string
	dir  bool
}

// list returns dir's entries sorted by name; symlinked directories are
// listed as non-directories, so walks never follow them.
func (t *tree) list(dir string) ([]entry, error) {
	f, err := t.root.Open(dir)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	des, err := f.ReadDir(-1)
	if err != nil {
		return nil, err
	}
	out := make([]entry, 0, len(des))
	for _, d := range des {
		out = append(out, entry{name: path.Join(dir, d.Name()), dir: d.Type().IsDir()})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out, nil
}
