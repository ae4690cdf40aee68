package sourcebuild

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"

	"github.com/BurntSushi/toml"

	"pinwheel.dev/pinwheel/internal/safefs"
)

// BuildSystem is a source's [build-system] table.
type BuildSystem struct {
	Requires    []string `toml:"requires"`
	Backend     string   `toml:"build-backend"`
	BackendPath []string `toml:"backend-path"`
	// Declared is false when the source has no [build-system] (PEP 517's
	// fallback: setuptools' legacy backend).
	Declared bool `toml:"-"`
}

// legacy is PEP 517's fallback for a source without [build-system].
var legacy = BuildSystem{Requires: []string{"setuptools>=40.8.0", "wheel"}, Backend: "setuptools.build_meta:__legacy__"}

// maxPyproject bounds the pyproject.toml read from an sdist.
const maxPyproject = 1 << 20

// ReadBuildSystem reads the [build-system] of the sdist at p (a .tar.gz,
// whatever the file's name) without unpacking it: from
// NAME-VERSION/pyproject.toml.
func ReadBuildSystem(p string) (BuildSystem, error) {
	f, err := os.Open(p)
	if err != nil {
		return BuildSystem{}, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return BuildSystem{}, fmt.Errorf("%s: only .tar.gz source distributions are built (PEP 625): %w", path.Base(p), err)
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return legacy, nil
		}
		if err != nil {
			return BuildSystem{}, fmt.Errorf("%s: %w", path.Base(p), err)
		}
		name := path.Clean(strings.TrimPrefix(h.Name, "./"))
		if h.Typeflag != tar.TypeReg || strings.Count(name, "/") != 1 || path.Base(name) != "pyproject.toml" {
			continue
		}
		b, err := io.ReadAll(io.LimitReader(tr, maxPyproject+1))
		if err != nil || len(b) > maxPyproject {
			return BuildSystem{}, fmt.Errorf("%s: %s unreadable or larger than %d bytes", path.Base(p), name, maxPyproject)
		}
		return parseBuildSystem(path.Base(p)+"!"+name, b)
	}
}

func parseBuildSystem(name string, b []byte) (BuildSystem, error) {
	var doc struct {
		BuildSystem *BuildSystem `toml:"build-system"`
	}
	if _, err := toml.Decode(string(b), &doc); err != nil {
		return BuildSystem{}, fmt.Errorf("%s: %w", name, err)
	}
	if doc.BuildSystem == nil {
		return legacy, nil
	}
	bs := *doc.BuildSystem
	bs.Declared = true
	if bs.Backend == "" { // PEP 517: requires without a backend means the legacy one
		bs.Backend = legacy.Backend
	}
	return bs, nil
}

// unpack extracts the sdist at p into dir (through safefs: nothing lands
// outside dir, no device is created) and returns its one top-level
// directory, the source tree.
func unpack(ctx context.Context, p, dir string) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return "", fmt.Errorf("%s: %w", path.Base(p), err)
	}
	if err := safefs.ApplyLayer(ctx, dir, zr, safefs.DefaultLimits); err != nil {
		return "", fmt.Errorf("unpack %s: %w", path.Base(p), err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", err
	}
	if len(entries) != 1 || !entries[0].IsDir() {
		return "", fmt.Errorf("%s: an sdist holds one top-level directory (NAME-VERSION/), this one has %d entries", path.Base(p), len(entries))
	}
	return entries[0].Name(), nil
}
