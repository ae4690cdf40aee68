// Package wheelsrc packs a pure-Python source tree into a deterministic
// py3-none-any wheel (PEP 427: the files, METADATA, WHEEL, entry_points.txt
// and RECORD, fixed timestamps, sorted entries). It exists so the examples
// and benchmarks can build their own wheelhouse from source, offline; it is
// not a PEP 517 build backend and does not handle extensions or data files.
package wheelsrc

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"pinwheel.dev/pinwheel/internal/safefs"
)

// Project describes the distribution to pack.
type Project struct {
	Name    string // distribution name, e.g. "greetlib"
	Version string
	Summary string
	// Requires are Requires-Dist lines.
	Requires []string
	// ConsoleScripts maps script name → "module:function".
	ConsoleScripts map[string]string
	// Src is the directory holding the top-level packages/modules to include.
	Src string
}

// FileName is the wheel's file name.
func (p Project) FileName() string {
	return fmt.Sprintf("%s-%s-py3-none-any.whl", strings.ReplaceAll(p.Name, "-", "_"), p.Version)
}

var stamp = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// Build writes the wheel into dir and returns its path.
func Build(p Project, dir string) (string, error) {
	files := map[string][]byte{}
	err := filepath.WalkDir(p.Src, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			if d != nil && d.IsDir() && d.Name() == "__pycache__" {
				return filepath.SkipDir
			}
			return err
		}
		if strings.HasSuffix(path, ".pyc") {
			return nil
		}
		rel, _ := filepath.Rel(p.Src, path)
		b, err := safefs.ReadFile(context.Background(), p.Src, path, 0)
		files[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		return "", err
	}
	di := strings.ReplaceAll(p.Name, "-", "_") + "-" + p.Version + ".dist-info/"
	var meta strings.Builder
	fmt.Fprintf(&meta, "Metadata-Version: 2.1\nName: %s\nVersion: %s\n", p.Name, p.Version)
	if p.Summary != "" {
		fmt.Fprintf(&meta, "Summary: %s\n", p.Summary)
	}
	for _, r := range p.Requires {
		fmt.Fprintf(&meta, "Requires-Dist: %s\n", r)
	}
	files[di+"METADATA"] = []byte(meta.String())
	files[di+"WHEEL"] = []byte("Wheel-Version: 1.0\nGenerator: pinwheel-wheelsrc\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
	if len(p.ConsoleScripts) > 0 {
		names := make([]string, 0, len(p.ConsoleScripts))
		for n := range p.ConsoleScripts {
			names = append(names, n)
		}
		sort.Strings(names)
		var ep strings.Builder
		ep.WriteString("[console_scripts]\n")
		for _, n := range names {
			fmt.Fprintf(&ep, "%s = %s\n", n, p.ConsoleScripts[n])
		}
		files[di+"entry_points.txt"] = []byte(ep.String())
	}
	names := make([]string, 0, len(files)+1)
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	var record strings.Builder
	for _, n := range names {
		sum := sha256.Sum256(files[n])
		fmt.Fprintf(&record, "%s,sha256=%s,%d\n", n, base64.RawURLEncoding.EncodeToString(sum[:]), len(files[n]))
	}
	fmt.Fprintf(&record, "%sRECORD,,\n", di)
	files[di+"RECORD"] = []byte(record.String())
	names = append(names, di+"RECORD")

	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		h := &zip.FileHeader{Name: n, Method: zip.Deflate, Modified: stamp}
		h.SetMode(0o644)
		w, err := zw.CreateHeader(h)
		if err != nil {
			return "", err
		}
		if _, err := w.Write(files[n]); err != nil {
			return "", err
		}
	}
	if err := zw.Close(); err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	out := filepath.Join(dir, p.FileName())
	tmp := out + ".tmp"
	if err := os.WriteFile(tmp, buf.Bytes(), 0o644); err != nil {
		return "", err
	}
	return out, os.Rename(tmp, out)
}

// SHA256 returns the hex sha256 of the file at path.
func SHA256(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return fmt.Sprintf("%x", sum), nil
}
