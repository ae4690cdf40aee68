package debian

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"pinwheel.dev/pinwheel/internal/image"
)

// mergedUsr are the top-level directories that are symlinks into /usr on a
// merged-/usr system (Debian's default since bookworm): their contents are
// placed under usr/ and the base gets the symlinks.
var mergedUsr = []string{"bin", "sbin", "lib", "lib32", "lib64", "libx32"}

// owned is a layer entry with the package that ships it.
type owned struct {
	image.Entry
	pkg  string
	body []byte
}

// tree is the union of every package's data.tar, by normalised path.
type tree map[string]owned

// add places one package's data.tar entries in t: paths made relative and
// clean (absolute paths and ".." refused), moved under usr/ for merged
// /usr, owners dropped to root, modes kept, hard links turned into copies
// of their target (which must be in the same archive). Two packages may
// share a directory or an identical file, nothing else.
func (t tree) add(pkg string, files []tarFile) error {
	local := map[string]owned{} // this archive's regular files, for hard links
	for _, f := range files {
		p, moved, err := entryPath(f.hdr.Name)
		if err != nil {
			return fmt.Errorf("%s: %w", pkg, err)
		}
		if p == "" {
			continue // the archive's root "./"
		}
		mode := f.hdr.FileInfo().Mode()
		e := owned{Entry: image.Entry{Path: p, Mode: mode & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky), KeepMode: true}, pkg: pkg}
		switch f.hdr.Typeflag {
		case tar.TypeDir:
			e.Type = image.TypeDir
		case tar.TypeReg:
			e.Type, e.body = image.TypeFile, f.body
		case tar.TypeSymlink:
			e.Type, e.Link = image.TypeSymlink, f.hdr.Linkname
			if moved && !path.IsAbs(e.Link) && strings.Contains(e.Link, "..") {
				// Keep a link that climbs out of its directory pointing
				// where it did before the move.
				e.Link = path.Join(path.Dir(path.Clean("/"+f.hdr.Name)), e.Link)
			}
		case tar.TypeLink:
			target, _, err := entryPath(f.hdr.Linkname)
			src, ok := local[target]
			if err != nil || !ok {
				return fmt.Errorf("%s: %s is a hard link to %q, which is not a file earlier in the same archive", pkg, f.hdr.Name, f.hdr.Linkname)
			}
			e.Type, e.body, e.Mode = image.TypeFile, src.body, src.Mode
		default:
			return fmt.Errorf("%s: %s: cannot put tar type %q in a base layer", pkg, f.hdr.Name, f.hdr.Typeflag)
		}
		if e.Type == image.TypeFile {
			body := e.body
			e.Size = int64(len(body))
			e.Open = image.BytesEntry(p, body, 0).Open
			local[p] = e
		}
		if err := t.put(e); err != nil {
			return err
		}
	}
	return nil
}

func (t tree) put(e owned) error {
	prev, ok := t[e.Path]
	if !ok {
		t[e.Path] = e
		return nil
	}
	same := prev.Type == e.Type && (e.Type == image.TypeDir ||
		(e.Type == image.TypeSymlink && prev.Link == e.Link) ||
		(e.Type == image.TypeFile && bytes.Equal(prev.body, e.body)))
	if !same {
		return fmt.Errorf("%s and %s both ship /%s, differently", prev.pkg, e.pkg, e.Path)
	}
	return nil
}

// entryPath normalises a data.tar member name: "./usr/bin/x" → "usr/bin/x",
// "./bin/x" → "usr/bin/x" (moved). "" is the archive root.
func entryPath(name string) (p string, moved bool, err error) {
	if strings.HasPrefix(name, "/") {
		return "", false, fmt.Errorf("%q: absolute path in data.tar", name)
	}
	for _, part := range strings.Split(name, "/") {
		if part == ".." {
			return "", false, fmt.Errorf("%q: path leaves the archive root", name)
		}
	}
	p = strings.TrimPrefix(path.Clean("/"+name), "/")
	first, _, _ := strings.Cut(p, "/")
	for _, d := range mergedUsr {
		if first == d {
			return "usr/" + p, true, nil
		}
	}
	return p, false, nil
}

// entries returns the tree as layer entries.
func (t tree) entries() []image.Entry {
	out := make([]image.Entry, 0, len(t))
	for _, e := range t {
		out = append(out, e.Entry)
	}
	return out
}
