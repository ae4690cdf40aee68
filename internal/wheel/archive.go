package wheel

import (
	"archive/zip"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"strings"

	"pinwheel.dev/pinwheel/internal/inputerr"
	"pinwheel.dev/pinwheel/internal/safefs"
)

// InvalidError says a wheel file is malformed or hostile. Path is the wheel.
type InvalidError struct {
	Path string
	Msg  string
}

func (e *InvalidError) Error() string { return fmt.Sprintf("invalid wheel %s: %s", e.Path, e.Msg) }

func invalid(p, format string, args ...any) error {
	return &InvalidError{Path: p, Msg: fmt.Sprintf(format, args...)}
}

// archive is a wheel's zip, validated: within its size, ratio and entry
// limits, only regular files and directories, every name local, no
// duplicates.
type archive struct {
	path  string
	zr    *zip.ReadCloser
	files map[string]*zip.File // regular files by clean archive name
	names []string             // regular file names in archive order
}

func openArchive(p string, lim safefs.Limits) (*archive, error) {
	zr, err := zip.OpenReader(p)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, invalid(p, "not a readable zip archive: %v", err)
	}
	if zr == nil {
		return nil, invalid(p, "not a readable zip archive: %v", err)
	}
	if err := safefs.CheckZip(zr.File, lim); err != nil {
		zr.Close()
		return nil, invalid(p, "%v", err)
	}
	a := &archive{path: p, zr: zr, files: map[string]*zip.File{}}
	seen := map[string]bool{}
	for _, zf := range zr.File {
		name, isDir, err := checkEntryName(zf.Name)
		if err != nil {
			zr.Close()
			return nil, invalid(p, "entry %s: %v", inputerr.Excerpt(zf.Name), err)
		}
		mode := zf.Mode()
		switch {
		case mode&fs.ModeSymlink != 0:
			err = fmt.Errorf("symlinks are not allowed")
		case mode&(fs.ModeDevice|fs.ModeCharDevice|fs.ModeNamedPipe|fs.ModeSocket|fs.ModeIrregular) != 0:
			err = fmt.Errorf("special files are not allowed (mode %v)", mode)
		case isDir != mode.IsDir() && mode.IsDir():
			err = fmt.Errorf("directory entry without a trailing slash")
		case isDir && zf.UncompressedSize64 > 0:
			err = fmt.Errorf("directory entry with content")
		}
		if err != nil {
			zr.Close()
			return nil, invalid(p, "entry %s: %v", inputerr.Excerpt(zf.Name), err)
		}
		key := strings.ToLower(name)
		if seen[key] {
			zr.Close()
			return nil, invalid(p, "duplicate entry %s", inputerr.Excerpt(zf.Name))
		}
		seen[key] = true
		if !isDir {
			a.files[name] = zf
			a.names = append(a.names, name)
		}
	}
	return a, nil
}

func (a *archive) Close() error { return a.zr.Close() }

// checkEntryName returns the clean relative name of a zip entry and whether
// it names a directory, refusing anything that could land outside the
// installation directories.
func checkEntryName(name string) (string, bool, error) {
	isDir := strings.HasSuffix(name, "/")
	clean := strings.TrimSuffix(name, "/")
	switch {
	case clean == "":
		return "", false, fmt.Errorf("empty name")
	case strings.ContainsAny(clean, "\\\x00"):
		return "", false, fmt.Errorf("backslash or NUL in name")
	case strings.HasPrefix(clean, "/") || (len(clean) > 1 && clean[1] == ':'):
		return "", false, fmt.Errorf("absolute path")
	case path.Clean(clean) != clean:
		return "", false, fmt.Errorf("name is not clean (\".\", \"..\" or \"//\")")
	case !filepath.IsLocal(clean):
		return "", false, fmt.Errorf("path escapes the target")
	}
	for _, part := range strings.Split(clean, "/") {
		if part == ".." || part == "." {
			return "", false, fmt.Errorf("path escapes the target")
		}
	}
	return clean, isDir, nil
}
