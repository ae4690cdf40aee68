package sourcebuild

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/google/renameio/v2"
	specs "github.com/opencontainers/runtime-spec/specs-go"

	"pinwheel.dev/pinwheel/internal/safefs"
)

// lookup returns the wheel cached in dir, if there is exactly one.
func lookup(dir string) (Result, bool) {
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 1 || !entries[0].Type().IsRegular() || !strings.HasSuffix(entries[0].Name(), ".whl") {
		return Result{}, false
	}
	p := filepath.Join(dir, entries[0].Name())
	sum, err := safefs.SHA256(dir, p)
	if err != nil {
		return Result{}, false
	}
	return Result{Wheel: p, Filename: entries[0].Name(), SHA256: sum, CacheHit: true}, true
}

// keep copies the built wheel src (a regular file inside its directory)
// into dir as name, whole (temp file in dir, then rename), and returns its
// path and sha256.
func keep(src, dir, name string) (string, string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", "", err
	}
	// The backend wrote src: a link out of its directory is refused, never
	// followed on the host.
	in, err := safefs.Open(filepath.Dir(src), src)
	if err != nil {
		return "", "", fmt.Errorf("the backend reported %s: %w", name, err)
	}
	defer in.Close()
	dst := filepath.Join(dir, name)
	tmp, err := renameio.NewPendingFile(dst, renameio.WithTempDir(dir), renameio.WithStaticPermissions(0o644))
	if err != nil {
		return "", "", err
	}
	defer tmp.Cleanup()
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(tmp, h), in); err != nil {
		return "", "", err
	}
	return dst, hex.EncodeToString(h.Sum(nil)), tmp.CloseAtomicallyReplace()
}

// chownTree gives dir and everything under it (never following links) to uid.
func chownTree(dir string, uid int) error {
	return filepath.WalkDir(dir, func(p string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, uid, uid)
	})
}

// isolate adapts a run spec to a build: its own network namespace (no
// interface up, so no network), no host resolv.conf or hosts, and the
// work directories bound under the container's tmpfs /tmp — the source
// tree and out writable, the build requirements read-only.
func isolate(s *specs.Spec, work string) {
	s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: specs.NetworkNamespace})
	var ms []specs.Mount
	for _, m := range s.Mounts {
		if m.Destination != "/etc/resolv.conf" && m.Destination != "/etc/hosts" {
			ms = append(ms, m)
		}
	}
	bind := func(src, dst string, extra ...string) specs.Mount {
		return specs.Mount{Destination: dst, Type: "bind", Source: src, Options: append([]string{"rbind", "nosuid", "nodev"}, extra...)}
	}
	s.Mounts = append(ms,
		bind(filepath.Join(work, "src"), srcDir),
		bind(filepath.Join(work, "deps"), depsDir, "ro"),
		bind(filepath.Join(work, "out"), outDir))
}
