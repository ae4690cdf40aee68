package sourcebuild

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"pinwheel.dev/pinwheel/internal/safefs"
)

// maxTree bounds the bytes of one packed source tree.
const maxTree = 2 << 30

// skipped are the directories a packed tree leaves out: VCS metadata,
// caches and earlier build output.
var skipped = map[string]bool{".git": true, ".hg": true, ".svn": true, "__pycache__": true, "build": true, "dist": true,
	".venv": true, ".tox": true, ".nox": true, ".mypy_cache": true, ".pytest_cache": true}

// Pack writes the source tree dir (a local directory or editable source,
// a workspace member) as an sdist-shaped .tar.gz — one top-level
// directory top/ — into outDir and returns its path and sha256. Regular
// files and directories only, read through safefs (a link leading out of
// dir is refused), without VCS metadata, caches, build/, dist/ or
// *.egg-info, in name order, owned by root with fixed modes and mtime: the
// same tree gives the same bytes, so its hash names the source. outDir,
// and the files and directories leaveOut reports (given absolute paths;
// nil: none), are left out too: a project's own caches and outputs when
// the tree is the project itself.
func Pack(dir, top, outDir string, mtime time.Time, leaveOut func(abs string) bool) (string, string, error) {
	absOut, err := filepath.Abs(outDir)
	if err != nil {
		return "", "", err
	}
	left := func(p string) bool { return p == absOut || (leaveOut != nil && leaveOut(p)) }
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return "", "", err
	}
	dir = absDir
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return "", "", err
	}
	tmp, err := os.CreateTemp(outDir, ".pack-*")
	if err != nil {
		return "", "", err
	}
	defer func() {
		if tmp != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	zw, _ := gzip.NewWriterLevel(io.MultiWriter(tmp, h), gzip.BestCompression)
	tw := tar.NewWriter(zw)
	var total int64
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		name := top
		if rel != "." {
			name = top + "/" + filepath.ToSlash(rel)
		}
		if d.IsDir() {
			if rel != "." && (skipped[d.Name()] || strings.HasSuffix(d.Name(), ".egg-info") || left(p)) {
				return filepath.SkipDir
			}
			return tw.WriteHeader(&tar.Header{Name: name + "/", Typeflag: tar.TypeDir, Mode: 0o755, ModTime: mtime, Format: tar.FormatPAX})
		}
		if left(p) {
			return nil
		}
		f, err := safefs.Open(dir, p)
		if err != nil {
			return err
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			return err
		}
		if total += st.Size(); total > maxTree {
			return fmt.Errorf("%s: source tree larger than %d bytes", dir, int64(maxTree))
		}
		mode := int64(0o644)
		if st.Mode()&0o111 != 0 {
			mode = 0o755
		}
		if err := tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: mode, Size: st.Size(), ModTime: mtime, Format: tar.FormatPAX}); err != nil {
			return err
		}
		_, err = io.Copy(tw, io.LimitReader(f, st.Size()))
		return err
	})
	if err == nil {
		err = tw.Close()
	}
	if err == nil {
		err = zw.Close()
	}
	if err != nil {
		return "", "", fmt.Errorf("pack %s: %w", dir, err)
	}
	if err := tmp.Close(); err != nil {
		return "", "", err
	}
	sum := hex.EncodeToString(h.Sum(nil))
	dst := filepath.Join(outDir, sum[:16]+"-"+top+".tar.gz")
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return "", "", err
	}
	tmp = nil
	return dst, sum, nil
}
