package deploy

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/image/imagetest"
	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/ledger/ledgerdb"
)

// shopCopy copies examples/shop into a temporary directory, on the tiny
// synthetic base: these tests read what a build records, they run nothing
// in the image (the Debian base is built and run in internal/build,
// internal/runtime/local and the e2e suites).
func shopCopy(t testing.TB) string {
	t.Helper()
	src, _ := filepath.Abs("../../examples/shop")
	dst := filepath.Join(t.TempDir(), "shop")
	err := filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() && (d.Name() == ".pinwheel" || d.Name() == "__pycache__") {
			return filepath.SkipDir
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := imagetest.UseSyntheticBase(dst); err != nil {
		t.Fatal(err)
	}
	return dst
}

func openStore(t testing.TB) ledger.Store {
	t.Helper()
	s, err := ledgerdb.Open(context.Background(), filepath.Join(t.TempDir(), "ledger.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func replaceInFile(t testing.TB, path, old, new string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	if !strings.Contains(s, old) {
		t.Fatalf("%s has no %q", path, old)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(s, old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}
