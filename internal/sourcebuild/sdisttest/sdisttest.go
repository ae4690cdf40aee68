// Package sdisttest writes real source distributions for tests: a
// NAME-VERSION/ tree with PKG-INFO and a pyproject.toml whose
// [build-system] is setuptools' (build_meta), plus the caller's files, as
// a deterministic .tar.gz. It is test support only.
package sdisttest

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Pyproject is a setuptools pyproject.toml for name==version with the
// given top-level modules and extra tool.setuptools lines.
func Pyproject(name, version string, modules []string, extra string) string {
	q := make([]string, len(modules))
	for i, m := range modules {
		q[i] = fmt.Sprintf("%q", m)
	}
	return fmt.Sprintf(`[build-system]
requires = ["setuptools>=61", "wheel"]
build-backend = "setuptools.build_meta"

[project]
name = %q
version = %q
requires-python = ">=3.8"

[tool.setuptools]
py-modules = [%s]
%s`, name, version, strings.Join(q, ", "), extra)
}

// Write writes NAME-VERSION.tar.gz into dir holding files (path relative
// to the source tree → content; pyproject.toml among them) plus PKG-INFO,
// and returns its path.
func Write(dir, name, version string, files map[string]string) (string, error) {
	top := strings.ReplaceAll(name, "-", "_") + "-" + version
	all := map[string]string{"PKG-INFO": fmt.Sprintf("Metadata-Version: 2.1\nName: %s\nVersion: %s\n", name, version)}
	for k, v := range files {
		all[k] = v
	}
	names := make([]string, 0, len(all))
	for n := range all {
		names = append(names, n)
	}
	sort.Strings(names)
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	tw := tar.NewWriter(zw)
	stamp := time.Unix(1_600_000_000, 0)
	dirs := map[string]bool{}
	for _, n := range names {
		parts := strings.Split(top+"/"+n, "/")
		for i := 1; i < len(parts); i++ {
			d := strings.Join(parts[:i], "/") + "/"
			if !dirs[d] {
				dirs[d] = true
				if err := tw.WriteHeader(&tar.Header{Name: d, Typeflag: tar.TypeDir, Mode: 0o755, ModTime: stamp}); err != nil {
					return "", err
				}
			}
		}
		if err := tw.WriteHeader(&tar.Header{Name: top + "/" + n, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(all[n])), ModTime: stamp}); err != nil {
			return "", err
		}
		if _, err := tw.Write([]byte(all[n])); err != nil {
			return "", err
		}
	}
	if err := tw.Close(); err != nil {
		return "", err
	}
	if err := zw.Close(); err != nil {
		return "", err
	}
	p := filepath.Join(dir, top+".tar.gz")
	return p, os.WriteFile(p, buf.Bytes(), 0o644)
}
