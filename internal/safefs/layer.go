package safefs

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// Layers applies OCI/Docker image layers, in order, to one directory.
//
// Policy, per tar entry:
//   - names are cleaned as if rooted ("../../x" is "x"); every operation goes
//     through os.Root, so a parent path that leads out of the directory (by a
//     symlink an earlier entry planted, absolute or relative) makes the
//     layer fail; a symlink that stays inside is resolved inside, as
//     containerd does;
//   - symlinks are created with their target as content, never followed to
//     create them, and may point anywhere;
//   - hardlinks must name an existing entry inside the directory;
//   - whiteouts (".wh.X") remove X and opaque markers (".wh..wh..opq")
//     empty their directory, inside the directory only; a whiteout of
//     something absent is a no-op;
//   - character and block devices and FIFOs are skipped (counted in
//     Skipped), never created; other unknown types are skipped too;
//   - modes keep only the permission bits (no setuid, setgid or sticky),
//     plus owner read/write (and search on directories) so later layers can
//     replace what earlier ones wrote; ownership is not applied;
//   - the bytes entries declare (whatever their type: a device's data is
//     read to be skipped) and the number of entries across all layers are
//     bounded by Limits, checked at each header (sparse files count at their
//     full size), and a cancelled ctx stops the read mid-entry.
type Layers struct {
	root     *os.Root
	lim      Limits
	declared int64 // bytes the entries so far carry
	entries  int
	Skipped  []string // device and FIFO entries that were not created
}

// OpenLayers prepares to apply layers to dir, which must exist.
func OpenLayers(dir string, lim Limits) (*Layers, error) {
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return &Layers{root: r, lim: lim.withDefaults()}, nil
}

// Close releases the directory.
func (x *Layers) Close() error { return x.root.Close() }

// ApplyLayer applies one uncompressed layer tar to dir with lim: a
// one-layer Layers.
func ApplyLayer(ctx context.Context, dir string, r io.Reader, lim Limits) error {
	x, err := OpenLayers(dir, lim)
	if err != nil {
		return err
	}
	defer x.Close()
	return x.Apply(ctx, r)
}

// Uncompresser is an image layer as go-containerregistry's v1.Layer gives
// it: its uncompressed tar on demand.
type Uncompresser interface {
	Uncompressed() (io.ReadCloser, error)
}

// ApplyImageLayer opens l's uncompressed tar, applies it, and closes it;
// i numbers the layer in errors.
func (x *Layers) ApplyImageLayer(ctx context.Context, i int, l Uncompresser) error {
	rc, err := l.Uncompressed()
	if err != nil {
		return fmt.Errorf("layer %d: %w", i, err)
	}
	defer rc.Close()
	if err := x.Apply(ctx, rc); err != nil {
		return fmt.Errorf("layer %d: %w", i, err)
	}
	return nil
}

// Apply applies one uncompressed layer tar. On error the directory holds
// a partial result: callers extract into a temporary directory and rename
// it into place only on success.
func (x *Layers) Apply(ctx context.Context, r io.Reader) error {
	tr := tar.NewReader(ContextReader(ctx, r))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if x.entries++; x.entries > x.lim.MaxEntries {
			return &LimitError{What: "entries", Got: int64(x.entries), Limit: int64(x.lim.MaxEntries)}
		}
		if h.Size < 0 || h.Size > x.lim.MaxBytes-x.declared {
			return &LimitError{What: "uncompressed size", Got: x.declared + max(h.Size, 0), Limit: x.lim.MaxBytes}
		}
		x.declared += h.Size
		name := strings.TrimPrefix(path.Clean("/"+h.Name), "/")
		if name == "" {
			continue // the root itself
		}
		if err := x.entry(ctx, h, name, tr); err != nil {
			return fmt.Errorf("%s: %w", inputerr.Excerpt(h.Name), err)
		}
	}
}

func (x *Layers) entry(ctx context.Context, h *tar.Header, name string, tr io.Reader) error {
	dir, base := path.Split(name)
	dir = strings.TrimSuffix(dir, "/")
	if dir == "" {
		dir = "."
	}
	if w, ok := strings.CutPrefix(base, ".wh."); ok {
		switch w {
		case ".wh..opq":
			return x.opaque(dir)
		case "", ".", "..":
			return errors.New("whiteout names no entry")
		}
		return ignoreNotExist(x.root.RemoveAll(path.Join(dir, w)))
	}
	switch h.Typeflag {
	case tar.TypeDir:
		return x.mkdir(name, fs.FileMode(h.Mode)&0o777|0o700)
	case tar.TypeReg, tar.TypeGNUSparse: // the reader turns legacy TypeRegA into TypeReg
		return x.file(ctx, name, h, tr)
	case tar.TypeSymlink:
		if err := x.replace(name); err != nil {
			return err
		}
		return x.root.Symlink(h.Linkname, name)
	case tar.TypeLink:
		old := strings.TrimPrefix(path.Clean("/"+h.Linkname), "/")
		if old == "" {
			return errors.New("hardlink to the root directory")
		}
		if _, err := x.root.Lstat(old); err != nil {
			return fmt.Errorf("hardlink target %s: %w", inputerr.Excerpt(h.Linkname), err)
		}
		if err := x.replace(name); err != nil {
			return err
		}
		return x.root.Link(old, name)
	default: // devices, FIFOs, anything unknown
		x.Skipped = append(x.Skipped, name)
		return nil
	}
}

// replace makes way for a new entry at name: its parent exists, and
// whatever was at name (a file, a link, a directory tree) is gone.
func (x *Layers) replace(name string) error {
	if err := x.parent(name); err != nil {
		return err
	}
	return ignoreNotExist(x.root.RemoveAll(name))
}

func (x *Layers) parent(name string) error {
	if dir := path.Dir(name); dir != "." {
		return x.root.MkdirAll(dir, 0o755)
	}
	return nil
}

func (x *Layers) mkdir(name string, mode fs.FileMode) error {
	if st, err := x.root.Lstat(name); err == nil && st.IsDir() {
		return x.root.Chmod(name, mode)
	}
	if err := x.replace(name); err != nil {
		return err
	}
	if err := x.root.Mkdir(name, mode); err != nil {
		return err
	}
	return x.root.Chmod(name, mode) // past the umask
}

func (x *Layers) file(ctx context.Context, name string, h *tar.Header, tr io.Reader) error {
	if err := x.replace(name); err != nil {
		return err
	}
	mode := fs.FileMode(h.Mode)&0o777 | 0o600
	f, err := x.root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	_, err = io.Copy(f, ContextReader(ctx, io.LimitReader(tr, h.Size)))
	if err == nil {
		err = f.Chmod(mode)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// opaque empties dir (an opaque whiteout): what lower layers put there is
// hidden, what this layer adds later stays.
func (x *Layers) opaque(dir string) error {
	f, err := x.root.Open(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	names, err := f.Readdirnames(-1)
	f.Close()
	if err != nil {
		return err
	}
	for _, n := range names {
		if err := ignoreNotExist(x.root.RemoveAll(path.Join(dir, n))); err != nil {
			return err
		}
	}
	return nil
}

func ignoreNotExist(err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}
