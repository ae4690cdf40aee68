package lock

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestParsePoetryGolden(t *testing.T) {
	runTOMLGolden(t, "poetry", "[[package]]")
}

// TestParsePoetryMetadataFilesByVersion: lock-version 1.1 lists files per
// name, so a name locked at two versions must get only its own files.
func TestParsePoetryMetadataFilesByVersion(t *testing.T) {
	l, err := ParseFile(filepath.Join("testdata", "poetry", "v1-1", "poetry.lock"))
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, p := range l.Packages {
		if p.Name != "numpy" {
			continue
		}
		seen++
		if len(p.Artifacts) != 3 {
			t.Errorf("numpy %s has %d artifacts, want its own 3", p.Version, len(p.Artifacts))
		}
		for _, a := range p.Artifacts {
			if !strings.HasPrefix(a.Name, "numpy-"+p.Version) {
				t.Errorf("numpy %s got %s", p.Version, a.Name)
			}
		}
	}
	if seen != 2 {
		t.Fatalf("%d numpy entries, want 2", seen)
	}
}
