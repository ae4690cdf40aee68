package image

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
)

// BytesEntry is a root-owned file holding data.
func BytesEntry(p string, data []byte, mode fs.FileMode) Entry {
	return Entry{Path: p, Type: TypeFile, Mode: mode, Size: int64(len(data)),
		Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}
}

// FileEntry is a root-owned file whose content is read from src when the layer is written.
func FileEntry(p, src string, mode fs.FileMode, size int64) Entry {
	return Entry{Path: p, Type: TypeFile, Mode: mode, Size: size,
		Open: func() (io.ReadCloser, error) { return os.Open(src) }}
}

// DirEntries walks the tree at root and returns entries placing it at dest
// in the image (dest slash-separated, absolute or relative to /). Files and
// directories are root-owned; symlinks are kept as symlinks; other file
// types are an error.
func DirEntries(root, dest string) ([]Entry, error) {
	var out []Entry
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		target := path.Join(dest, filepath.ToSlash(rel))
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			out = append(out, Entry{Path: target, Type: TypeDir})
		case info.Mode()&fs.ModeSymlink != 0:
			link, err := os.Readlink(p)
			if err != nil {
				return err
			}
			out = append(out, Entry{Path: target, Type: TypeSymlink, Link: link})
		case info.Mode().IsRegular():
			out = append(out, FileEntry(target, p, info.Mode().Perm(), info.Size()))
		default:
			return fmt.Errorf("%s: cannot put a %s in a layer", p, info.Mode().Type())
		}
		return nil
	})
	return out, err
}
