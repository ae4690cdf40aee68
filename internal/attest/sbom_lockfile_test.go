package attest

import (
	"path/filepath"
	"testing"

	"pinwheel.dev/pinwheel/internal/lock"
)

// lockfileDirs are real lockfiles under testdata/locks, one per format whose
// parser has landed; each is read with lock.Detect and lock.ParseFile.
var lockfileDirs = []string{"uv", "poetry", "pdm", "pipfile", "pylock", "requirements"}

func parsedLock(t *testing.T, dir string) *lock.Lock {
	t.Helper()
	path, err := lock.Detect(filepath.Join("testdata", "locks", dir))
	if err != nil {
		t.Fatal(err)
	}
	l, err := lock.ParseFile(path)
	if err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
	if len(l.Packages) == 0 {
		t.Fatalf("%s parsed to no packages", path)
	}
	return l
}

// TestSBOMFromLockfiles renders real lockfiles of each format, validates
// against the official schemas and compares with golden files.
func TestSBOMFromLockfiles(t *testing.T) {
	for _, w := range sbomWriters {
		for _, dir := range lockfileDirs {
			t.Run(w.name+"/"+dir, func(t *testing.T) {
				got, err := w.write(parsedLock(t, dir), Subject{})
				if err != nil {
					t.Fatal(err)
				}
				validateAgainst(t, w.schema, got)
				compareGolden(t, filepath.Join("testdata", "golden", "lockfile_"+dir+w.ext), got)
			})
		}
	}
}
