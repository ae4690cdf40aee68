package sourcebuild_test

import (
	"archive/tar"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/sourcebuild"
)

// The same tree packs to the same bytes whatever its files' times; VCS
// metadata and caches are left out; a link out of the tree is refused.
func TestPackIsDeterministicAndConfined(t *testing.T) {
	tree := func(mtime time.Time) string {
		d := t.TempDir()
		for p, body := range map[string]string{"pyproject.toml": "[project]\n", "pkg/__init__.py": "X = 1\n",
			".git/HEAD": "ref", "pkg/__pycache__/x.pyc": "junk", "pkg.egg-info/PKG-INFO": "old"} {
			os.MkdirAll(filepath.Join(d, filepath.Dir(p)), 0o755)
			os.WriteFile(filepath.Join(d, p), []byte(body), 0o644)
			os.Chtimes(filepath.Join(d, p), mtime, mtime)
		}
		return d
	}
	out := t.TempDir()
	a, sumA, err := sourcebuild.Pack(tree(time.Unix(1_600_000_000, 0)), "pkg-1.0", out, time.Unix(0, 0), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, sumB, err := sourcebuild.Pack(tree(time.Unix(1_700_000_000, 0)), "pkg-1.0", out, time.Unix(0, 0), nil)
	if err != nil || sumA != sumB {
		t.Fatalf("same tree, different packs: %s %s (%v)", sumA, sumB, err)
	}
	got := map[string]bool{}
	for _, f := range tarNames(t, a) {
		got[f] = true
	}
	if !got["pkg-1.0/pyproject.toml"] || !got["pkg-1.0/pkg/__init__.py"] || got["pkg-1.0/.git/HEAD"] || got["pkg-1.0/pkg/__pycache__/x.pyc"] || got["pkg-1.0/pkg.egg-info/PKG-INFO"] {
		t.Errorf("packed %v", got)
	}
	d := tree(time.Now())
	os.Symlink("/etc/hostname", filepath.Join(d, "leak.txt"))
	if _, _, err := sourcebuild.Pack(d, "pkg-1.0", out, time.Unix(0, 0), nil); err == nil {
		t.Error("a link out of the tree was packed")
	}

	// Packing a project into a directory inside it, leaving out what
	// leaveOut names: neither the packs nor those files are in the pack,
	// and packing again gives the same bytes.
	proj := tree(time.Now())
	inside := filepath.Join(proj, ".cache")
	os.WriteFile(filepath.Join(proj, "img.sbom.json"), []byte("{}"), 0o644)
	leave := func(p string) bool { return p == filepath.Join(proj, "img.sbom.json") }
	first, sum1, err := sourcebuild.Pack(proj, "pkg-1.0", inside, time.Unix(0, 0), leave)
	if err != nil {
		t.Fatal(err)
	}
	_, sum2, err := sourcebuild.Pack(proj, "pkg-1.0", inside, time.Unix(0, 0), leave)
	if err != nil || sum1 != sum2 {
		t.Fatalf("packing twice into the tree: %s %s (%v)", sum1, sum2, err)
	}
	for _, f := range tarNames(t, first) {
		if f == "pkg-1.0/img.sbom.json" || filepath.Dir(f) == "pkg-1.0/.cache" {
			t.Errorf("packed %s", f)
		}
	}
}

func tarNames(t *testing.T, p string) []string {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	var names []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return names
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
	}
}
