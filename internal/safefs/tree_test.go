package safefs

import (
	"os"
	"path/filepath"
	"testing"
)

func TestTreeRefusesWritesOut(t *testing.T) {
	j := newJail(t)
	site := filepath.Join(j.root, "lib", "site-packages")
	tr := NewTree(site, filepath.Join(j.root, "bin"))
	defer tr.Close()
	for _, d := range []string{filepath.Join(j.root, "lib"), site} {
		if err := tr.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	os.Symlink(j.sentinel, filepath.Join(site, "pkg"))
	for _, p := range []string{
		filepath.Join(site, "pkg", "evil.py"), // through a link planted in the tree
		filepath.Join(j.sentinel, "evil.py"),  // outside every base
		filepath.Join(site, "..", "..", "..", "sentinel", "x"),
	} {
		if f, err := tr.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644); err == nil {
			f.Close()
			t.Errorf("OpenFile(%s) succeeded", p)
		}
	}
	if err := tr.Remove(filepath.Join(site, "pkg", "keep")); err == nil {
		t.Errorf("Remove through a link succeeded")
	}
	if err := tr.Chmod(filepath.Join(j.sentinel, "keep"), 0o777); err == nil {
		t.Errorf("Chmod outside succeeded")
	}
	f, p, err := tr.CreateTemp(site, ".tmp-")
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := tr.Remove(p); err != nil {
		t.Fatal(err)
	}
	j.intact(t)
}
