// Package wheeltest builds real wheel files for tests: valid zips with
// WHEEL, METADATA, entry points and a correct RECORD, plus knobs for the
// hostile cases (extra raw entries, a rewritten RECORD). It owns no
// installing or fetching; tests of pyindex and wheel use it to make inputs.
package wheeltest

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// Wheel describes a wheel to build.
type Wheel struct {
	Name, Version string
	Tag           string            // default "py3-none-any"
	Files         map[string]string // archive path → content (the package itself)
	// Data maps "<scheme>/<path>" (scheme: scripts, headers, data, purelib,
	// platlib) to content; they go under <name>-<version>.data/.
	Data           map[string]string
	EntryPoints    string // entry_points.txt, when non-empty
	RequiresPython string
	// Metadata are extra METADATA header lines ("Project-URL: Changelog,
	// https://…\nRequires-Dist: idna"), appended after Requires-Python.
	Metadata      string
	RootIsPurelib string // "true" unless set
	WheelVersion  string // "1.0" unless set
	// Raw entries are appended after everything else, unrecorded.
	Raw []Entry
	// EditRecord, when set, rewrites the RECORD text before it is written.
	EditRecord func(string) string
	// Omit lists dist-info file names (WHEEL, METADATA, RECORD) to leave out.
	Omit []string
}

// Entry is a raw zip entry.
type Entry struct {
	Name    string
	Content string
	Mode    os.FileMode // 0 means 0644 regular file
}

// Filename is the wheel's file name.
func (w Wheel) Filename() string {
	tag := w.Tag
	if tag == "" {
		tag = "py3-none-any"
	}
	return fmt.Sprintf("%s-%s-%s.whl", escape(w.Name), w.Version, tag)
}

func escape(name string) string {
	r := strings.NewReplacer("-", "_", ".", "_")
	return r.Replace(name)
}

// DistInfo is the wheel's .dist-info directory name.
func (w Wheel) DistInfo() string { return escape(w.Name) + "-" + w.Version + ".dist-info" }

// Bytes builds the wheel.
func (w Wheel) Bytes() []byte {
	di := w.DistInfo()
	files := map[string]string{}
	for k, v := range w.Files {
		files[k] = v
	}
	for k, v := range w.Data {
		files[escape(w.Name)+"-"+w.Version+".data/"+k] = v
	}
	wv, rip := w.WheelVersion, w.RootIsPurelib
	if wv == "" {
		wv = "1.0"
	}
	if rip == "" {
		rip = "true"
	}
	tag := w.Tag
	if tag == "" {
		tag = "py3-none-any"
	}
	files[di+"/WHEEL"] = fmt.Sprintf("Wheel-Version: %s\nGenerator: wheeltest\nRoot-Is-Purelib: %s\nTag: %s\n\n", wv, rip, tag)
	meta := fmt.Sprintf("Metadata-Version: 2.1\nName: %s\nVersion: %s\n", w.Name, w.Version)
	if w.RequiresPython != "" {
		meta += "Requires-Python: " + w.RequiresPython + "\n"
	}
	if w.Metadata != "" {
		meta += strings.TrimRight(w.Metadata, "\n") + "\n"
	}
	files[di+"/METADATA"] = meta + "\n"
	if w.EntryPoints != "" {
		files[di+"/entry_points.txt"] = w.EntryPoints
	}
	for _, o := range w.Omit {
		delete(files, di+"/"+o)
	}
	names := make([]string, 0, len(files))
	for k := range files {
		names = append(names, k)
	}
	sort.Strings(names)
	var record strings.Builder
	for _, n := range names {
		sum := sha256.Sum256([]byte(files[n]))
		fmt.Fprintf(&record, "%s,sha256=%s,%d\n", n, base64.RawURLEncoding.EncodeToString(sum[:]), len(files[n]))
	}
	fmt.Fprintf(&record, "%s/RECORD,,\n", di)
	rec := record.String()
	if w.EditRecord != nil {
		rec = w.EditRecord(rec)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	put := func(name, content string, mode os.FileMode) {
		hdr := &zip.FileHeader{Name: name, Method: zip.Deflate, Modified: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)}
		if mode == 0 {
			mode = 0o644
		}
		hdr.SetMode(mode)
		fw, err := zw.CreateHeader(hdr)
		if err != nil {
			panic(err)
		}
		_, _ = fw.Write([]byte(content))
	}
	for _, n := range names {
		mode := os.FileMode(0o644)
		if strings.Contains(n, ".data/scripts/") {
			mode = 0o755
		}
		put(n, files[n], mode)
	}
	if !contains(w.Omit, "RECORD") {
		put(di+"/RECORD", rec, 0)
	}
	for _, e := range w.Raw {
		put(e.Name, e.Content, e.Mode)
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Write builds w into dir and returns the file's path.
func Write(t testing.TB, dir string, w Wheel) string {
	t.Helper()
	p := filepath.Join(dir, w.Filename())
	if err := os.WriteFile(p, w.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// SHA256 is the hex sha256 of the file at p.
func SHA256(t testing.TB, p string) string {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	return fmt.Sprintf("%x", sum)
}

// BundledWheels returns the pip and setuptools wheels that ship with the
// machine's python3 (ensurepip/_bundled), skipping the test when absent.
func BundledWheels(t testing.TB) map[string]string {
	t.Helper()
	dir := BundledDir(t)
	matches, _ := filepath.Glob(filepath.Join(dir, "*.whl"))
	out := map[string]string{}
	for _, m := range matches {
		name, _, _ := strings.Cut(filepath.Base(m), "-")
		out[name] = m
	}
	if out["pip"] == "" {
		t.Skipf("no bundled pip wheel in %s", dir)
	}
	return out
}
