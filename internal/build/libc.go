package build

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/renameio/v2"

	"pinwheel.dev/pinwheel/internal/image"
	"pinwheel.dev/pinwheel/internal/pep"
)

// maxLibcSize bounds how much of a C library file is read (glibc is ~2 MiB).
const maxLibcSize = 32 << 20

// wheelTarget is the PEP 425 target wheels are chosen for: the configured
// Python on the platform, with the C library (glibc or musl, and its
// version) read from the base image. A base without a recognisable C
// library gets pep.ParseTarget's glibc default; Libc says which it was.
func wheelTarget(base v1.Image, p v1.Platform, python, cacheDir string) (pep.Target, string, error) {
	t, err := pep.ParseTarget(p.String(), python)
	if err != nil {
		return t, "", err
	}
	libc, version, from, err := baseLibc(base, t.Arch, cacheDir)
	if err != nil {
		return t, "", err
	}
	if libc == "" {
		return t, fmt.Sprintf("%s %s (assumed: no C library found in the base image)", t.Libc, t.LibcVersion), nil
	}
	t.Libc, t.LibcVersion = libc, version
	return t, fmt.Sprintf("%s %s (from %s)", libc, version, from), nil
}

// baseLibc reads and recognises the base image's C library, remembering
// the answer per image digest under cacheDir/libc (reading means
// decompressing the base's layers).
func baseLibc(img v1.Image, arch, cacheDir string) (libc, version, from string, err error) {
	d, err := img.Digest()
	if err != nil {
		return "", "", "", err
	}
	memo := ""
	if cacheDir != "" {
		memo = filepath.Join(cacheDir, "libc", d.Hex+"-"+arch)
		if b, err := os.ReadFile(memo); err == nil {
			if f := strings.Fields(string(b)); len(f) == 3 {
				return f[0], f[1], f[2], nil
			}
			return "", "", "", nil // recorded: none found
		}
	}
	from, data, err := image.ReadFile(img, pep.LibcPaths(arch), maxLibcSize)
	switch {
	case errors.Is(err, image.ErrFileNotFound):
		from = ""
	case err != nil:
		return "", "", "", fmt.Errorf("read the base image's C library: %w", err)
	default:
		var ok bool
		if libc, version, ok = pep.DetectLibc(data); !ok {
			libc, version, from = "", "", ""
		}
	}
	if memo != "" {
		line := ""
		if libc != "" {
			line = libc + " " + version + " " + from
		}
		if os.MkdirAll(filepath.Dir(memo), 0o755) == nil {
			_ = renameio.WriteFile(memo, []byte(line+"\n"), 0o644) // a cache: losing it costs a re-read
		}
	}
	return libc, version, from, nil
}
